"""Every benchmark runs in --quick mode and ends with its JSON line, so no bench rots."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
EXPECTED_KEYS = {
    "sync.py": {"tags", "sync_s", "bare_s", "ratio", "resync_s", "bare_head_s", "resync_ratio"},
    "gateway.py": {"webhooks_per_s", "p50_ms", "p99_ms", "lost"},
    "rules.py": {"images", "patterns", "eval_s"},
    "sweep.py": {"tags", "sweep_s", "bare_s", "ratio", "push_p50_s", "push_p95_s"},
    "scan.py": {
        "shared_images_per_s",
        "unique_mb_per_s",
        "gzip_mb_per_s",
        "unique_ratio",
        "rematch_s",
        "rematch_registry_requests",
    },
}


@pytest.mark.parametrize("script", sorted(EXPECTED_KEYS))
def test_bench_quick(script: str) -> None:
    result = subprocess.run(
        [sys.executable, str(ROOT / "bench" / script), "--quick"],
        capture_output=True,
        text=True,
        timeout=600,
        cwd=ROOT,
    )
    assert result.returncode == 0, result.stdout[-3000:] + result.stderr[-3000:]
    last = json.loads(result.stdout.strip().splitlines()[-1])
    assert EXPECTED_KEYS[script] <= set(last)
    assert all(isinstance(v, int | float) and v >= 0 for v in last.values())
    assert last.get("rematch_registry_requests", 0) == 0
