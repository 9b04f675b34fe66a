"""Forge-style webhook bodies (GitHub, Gitea): JSON, or form-encoded with a `payload` field."""

from __future__ import annotations

from collections.abc import Mapping
from urllib.parse import parse_qs

from gateway.events import ParseError
from gateway.parsers.content_type import FORM, require_json_media_type
from gateway.parsers.jsonfields import JsonObject, as_object, load_json

_MAX_FORM_FIELDS = 16


def load_hook_body(headers: Mapping[str, str], body: bytes) -> JsonObject:
    """The JSON object of a JSON body, or of the `payload` field of a form body."""
    if require_json_media_type(headers, also=frozenset({FORM})) != FORM:
        return as_object(load_json(body), "body")
    try:
        fields = parse_qs(body.decode("latin-1"), max_num_fields=_MAX_FORM_FIELDS)
    except ValueError:
        raise ParseError("invalid_form") from None
    payload = fields.get("payload")
    if not payload or len(payload) != 1:
        raise ParseError("missing_field", "form.payload")
    return as_object(load_json(payload[0]), "payload")
