"""Access to the webhook samples copied into tests/data/webhooks (see its README)."""

from __future__ import annotations

import json
from pathlib import Path

DATA = Path(__file__).resolve().parents[2] / "data" / "webhooks"


def sample(relative: str) -> bytes:
    """The exact bytes of a sample body."""
    return (DATA / relative).read_bytes()


def live_capture(relative: str) -> tuple[dict[str, str], bytes]:
    """Headers (as received, original case) and exact body of a distribution-live capture."""
    capture = json.loads((DATA / "distribution-live" / relative).read_text())
    headers = {name: value for name, value in capture["request"]["header_list"]}
    return headers, capture["body_raw"].encode("utf-8")


def sequence(relative: str) -> list[tuple[dict[str, str], bytes]]:
    """Every POST of a distribution-live sequence, in arrival order."""
    directory = DATA / "distribution-live" / "sequences" / relative
    return [
        live_capture(str(path.relative_to(DATA / "distribution-live")))
        for path in sorted(directory.glob("*.json"))
    ]
