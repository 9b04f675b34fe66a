"""Loading a JSON body and reading typed fields from it, every failure a ParseError."""

from __future__ import annotations

import json
from collections.abc import Mapping
from types import MappingProxyType
from typing import Any

from gateway.events import ParseError

JsonObject = Mapping[str, Any]

# Stands in for an optional object that is absent, so lookups in it yield None.
EMPTY: JsonObject = MappingProxyType({})


def load_json(body: bytes | str) -> Any:
    """Parse JSON; invalid text, bad encodings, huge integers and deep nesting all raise
    ParseError (json raises RecursionError on deep nesting, ValueError on the rest)."""
    try:
        return json.loads(body)
    except RecursionError:
        raise ParseError("invalid_json", "nested too deeply") from None
    except ValueError:
        raise ParseError("invalid_json") from None


def as_object(value: Any, where: str) -> JsonObject:
    if isinstance(value, dict):
        return value
    raise ParseError("wrong_type", f"{where}: expected an object")


def get_object(obj: JsonObject, key: str, where: str) -> JsonObject:
    if key not in obj:
        raise ParseError("missing_field", f"{where}.{key}")
    return as_object(obj[key], f"{where}.{key}")


def opt_object(obj: JsonObject, key: str, where: str) -> JsonObject | None:
    value = obj.get(key)
    return None if value is None else as_object(value, f"{where}.{key}")


def get_str(obj: JsonObject, key: str, where: str) -> str:
    value = obj.get(key)
    if value is None:
        raise ParseError("missing_field", f"{where}.{key}")
    if not isinstance(value, str):
        raise ParseError("wrong_type", f"{where}.{key}: expected a string")
    return value


def opt_str(obj: JsonObject, key: str, where: str) -> str | None:
    value = obj.get(key)
    if value is None or isinstance(value, str):
        return value
    raise ParseError("wrong_type", f"{where}.{key}: expected a string")


def get_list(obj: JsonObject, key: str, where: str) -> list[Any]:
    value = obj.get(key)
    if value is None:
        raise ParseError("missing_field", f"{where}.{key}")
    if not isinstance(value, list):
        raise ParseError("wrong_type", f"{where}.{key}: expected a list")
    return value


def opt_list(obj: JsonObject, key: str, where: str) -> list[Any]:
    """The list at `key`, or an empty list when missing or null."""
    value = obj.get(key)
    if value is None:
        return []
    if not isinstance(value, list):
        raise ParseError("wrong_type", f"{where}.{key}: expected a list")
    return value


def opt_number(obj: JsonObject, key: str, where: str) -> int | float | None:
    value = obj.get(key)
    if value is None:
        return None
    # bool is an int in Python but never a timestamp or a size in these payloads.
    if isinstance(value, bool) or not isinstance(value, int | float):
        raise ParseError("wrong_type", f"{where}.{key}: expected a number")
    return value
