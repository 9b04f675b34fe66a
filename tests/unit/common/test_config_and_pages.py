"""Configuration errors name each variable; page tokens reject what the API did not issue."""

from __future__ import annotations

import subprocess
import sys

import pytest

from services.catalog.config import CatalogConfig
from services.common.config import ConfigError
from services.common.errors import InvalidArgument
from services.common.pagination import (
    decode_time_key,
    decode_token,
    encode_time_key,
    encode_token,
    page_size,
)
from services.common.secrets import SecretBox, generate_key


def test_missing_and_invalid_variables_are_all_named() -> None:
    with pytest.raises(ConfigError) as caught:
        CatalogConfig.from_env({"REGSIEVE_LOG_LEVEL": "loud", "REGSIEVE_SECRET_KEY": "short"})
    message = str(caught.value)
    for name in ("REGSIEVE_DATABASE_URL", "REGSIEVE_LOG_LEVEL", "REGSIEVE_SECRET_KEY"):
        assert name in message
    assert "short" not in message  # secrets are never echoed
    config = CatalogConfig.from_env(
        {"REGSIEVE_DATABASE_URL": "postgresql://x@h/db", "REGSIEVE_SECRET_KEY": generate_key()}
    )
    assert config.max_parallel_syncs == 4 and config.common.log_level == "info"


def test_serve_without_configuration_explains_and_exits() -> None:
    result = subprocess.run(
        [sys.executable, "-m", "services.cli.main", "serve", "catalog"],
        capture_output=True,
        text=True,
        env={"PATH": "/usr/bin:/bin"},
        timeout=60,
    )
    assert result.returncode == 2
    assert "REGSIEVE_DATABASE_URL is required" in result.stderr


def test_page_tokens_round_trip_and_reject_strangers() -> None:
    assert decode_token("images", "") is None
    token = encode_token("images", ["team/app", "1.0"])
    assert decode_token("images", token) == ["team/app", "1.0"]
    for bad in ("%%%", encode_token("syncs", ["x"]), "eyJhIjoxfQ"):
        with pytest.raises(InvalidArgument) as caught:
            decode_token("images", bad)
        assert caught.value.violations[0][0] == "page_token"
    from datetime import UTC, datetime

    at = datetime(2026, 1, 2, 3, 4, 5, tzinfo=UTC)
    assert decode_time_key("jobs", encode_time_key("jobs", at, "id-1")) == (at, "id-1")
    assert page_size(0) == 100 and page_size(5000) == 1000
    with pytest.raises(InvalidArgument):
        page_size(-1)


def test_secret_box_rotation() -> None:
    old, new = generate_key(), generate_key()
    sealed = SecretBox([old]).encrypt("s3cret")
    assert SecretBox([new, old]).decrypt(sealed) == "s3cret"
    with pytest.raises(ValueError, match="cannot be decrypted"):
        SecretBox([new]).decrypt(sealed)
