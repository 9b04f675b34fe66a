"""Benchmark: evaluate 100,000 realistic images against a 100-pattern rule set in-process.

Prints info lines, then as the LAST line one JSON object:
`{"images": 100000, "patterns": 100, "eval_s": ...}`. `eval_s` is the median of `--repeat`
cold evaluations (each compiles the rule set inside the timed region and starts with empty
match caches, the way a sweep runs); the median keeps one noisy neighbour from deciding.
"""

from __future__ import annotations

import argparse
import hashlib
import json
import random
import statistics
import sys
import time
from collections import Counter
from datetime import UTC, datetime, timedelta, timezone
from zoneinfo import ZoneInfo

from services.rules.domain import (
    CreationWindow,
    ImageFacts,
    LatestN,
    LatestOrder,
    Platform,
    RuleSet,
    TimeUnit,
)
from services.rules.evaluate import compile_rule_set, evaluate

NOW = datetime(2026, 11, 15, 12, 0, tzinfo=UTC)

TEAMS = [
    "payments", "search", "platform", "identity", "data", "ml", "growth", "checkout",
    "catalog", "billing", "messaging", "infra", "security", "mobile-backend", "analytics",
    "fraud", "logistics", "support", "partners", "media", "ads", "maps", "risk", "edge",
]  # fmt: skip
SERVICES = [
    "api", "worker", "gateway", "frontend", "scheduler", "ledger-api", "indexer", "auth",
    "notifier", "exporter", "migrator", "proxy", "cache", "ingest", "reporting", "web",
    "admin", "events", "sync", "critical-jobs", "batch", "router", "stream", "resolver",
]  # fmt: skip
STAGES = ["", "", "", "-dev", "-staging", "-pre-prod", "-prod", "-sandbox", "-unstable"]
MIRRORS = [
    "mirror/library/nginx", "mirror/library/postgres", "mirror/library/redis",
    "mirror/library/python", "mirror/library/node", "mirror/bitnami/kafka",
    "mirror/grafana/grafana", "mirror/prom/prometheus", "base/debian", "base/alpine",
    "base/distroless-static", "tools/ci-runner", "tools/kaniko", "tmp/scratch-test",
]  # fmt: skip

AMD64 = Platform("linux", "amd64")
ARM64 = Platform("linux", "arm64", "v8")
ARMV7 = Platform("linux", "arm", "v7")
PLATFORM_SETS = [(AMD64,)] * 14 + [(AMD64, ARM64)] * 4 + [(AMD64, ARM64, ARMV7)] + [(ARM64,)]


def build_rule_set() -> RuleSet:
    """100 patterns over the three lists, a 12-month window, latest-5 and a platform filter."""
    never = [
        "unstable", "sandbox", ":pr-", "tmp/", ":dev-", "scratch", "re:-debug$",
        ":wip", "-experimental", "re:^tools/.*:cache-", ":snapshot", "legacy-",
        "re:^[^:]*:[0-9a-f]{40}$", ":test-", "archive/",
    ]  # fmt: skip
    always = [
        "critical", ":hotfix", "security/", "identity/auth", "payments/ledger-api:v*",
        ":release-", "base/", "mirror/library/*:latest", "*-prod:stable", "re:^edge/.*:1\\.",
        "fraud/", "risk/*:v1*", ":lts", "auth:v", "checkout/api:stable",
    ]  # fmt: skip
    pull = [f"{team}/" for team in TEAMS]  # 24
    pull += [
        ":latest", ":stable", "prod", "pre-prod", "staging:main-", "*-api", "platform/*:v*",
        "re:^ml/[^:]*:[0-9]+\\.[0-9]+\\.[0-9]+$", "mirror/", ":nightly-", "-worker:1.",
        "gateway:v2", "*/web:*", ":rc", "exporter", "indexer:main-", "analytics/*:*.*.*",
        "maps/router", "ads/*", "media/stream:nightly-2026", "re:^logistics/.*:v?[0-9]",
        "frontend:main", "notifier:1.", "cache:7", "proxy:1", "ingest", "resolver:v",
        "events:v", "sync:main", "batch:nightly", "reporting:2", "admin:2", "scheduler:v",
        "router:*-alpine", "ledger", "migrator:pr-", "web:nightly", "stream:main", "*-staging",
        "ci-runner:v*", "kaniko", "grafana:1", "prometheus:v", "kafka:3", "redis:7",
        "postgres:16", "python:3.12",
    ]  # fmt: skip
    pull = pull[:70]
    assert len(never) + len(always) + len(pull) == 100, (len(never), len(always), len(pull))
    return RuleSet(
        id="bench",
        registry_id="bench-registry",
        name="bench",
        revision=1,
        pull_patterns=tuple(pull),
        always_pull=tuple(always),
        never_pull=tuple(never),
        creation_window=CreationWindow(12, TimeUnit.MONTHS),
        latest_n=LatestN(5, LatestOrder.CREATED),
        platforms=("linux/amd64", "linux/arm64"),
    )


def build_images(count: int, seed: int = 7) -> list[ImageFacts]:
    """`count` images over realistic repositories with realistic tags."""
    rng = random.Random(seed)
    names = [f"{t}/{s}{stage}" for t in TEAMS for s in SERVICES for stage in STAGES]
    rng.shuffle(names)
    repositories = iter([*MIRRORS, *names, *(f"{name}-{n}" for n in range(99) for name in names)])
    zones = [ZoneInfo("Europe/Berlin"), timezone(timedelta(hours=-5))]
    images: list[ImageFacts] = []
    serial = 0
    while len(images) < count:
        repository = next(repositories)
        used: set[str] = set()
        builds = max(1, min(count - len(images), int(rng.paretovariate(1.3) * 20)))
        major, minor, patch = rng.randint(0, 3), rng.randint(0, 20), 0
        # Builds of one repository follow each other in time, over the last two years.
        minutes = sorted(rng.randint(0, 730 * 24 * 60) for _ in range(builds))
        newest: ImageFacts | None = None
        for minute in minutes:
            serial += 1
            digest = "sha256:" + hashlib.sha256(f"{seed}-{serial}".encode()).hexdigest()
            when = NOW - timedelta(days=730) + timedelta(minutes=minute)
            if rng.random() < 0.1:
                when = when.astimezone(rng.choice(zones))
            created = None if rng.random() < 0.01 else when
            platforms = rng.choice(PLATFORM_SETS) if rng.random() > 0.03 else ()
            kind = rng.random()
            if kind < 0.35:
                patch += 1
                if rng.random() < 0.1:
                    minor, patch = minor + 1, 0
                tag = f"{'v' if rng.random() < 0.3 else ''}{major}.{minor}.{patch}"
                if rng.random() < 0.1:
                    tag += rng.choice(["-rc.1", "-alpine", "-slim"])
            elif kind < 0.6:
                tag = f"main-{rng.getrandbits(24):06x}"
            elif kind < 0.75:
                tag = f"nightly-{(created or NOW):%Y%m%d}"
            elif kind < 0.88:
                tag = f"pr-{rng.randint(1, 9999)}"
            elif kind < 0.94:
                tag = f"sha-{rng.getrandbits(28):07x}"
            else:
                tag = rng.choice(["stable", "dev-" + f"{rng.getrandbits(16):04x}", "lts"])
            if tag in used:
                continue
            used.add(tag)
            newest = ImageFacts(repository, tag, digest, created, platforms)
            images.append(newest)
            if len(images) >= count:
                break
        if len(images) < count and newest is not None:
            images.append(
                ImageFacts(repository, "latest", newest.digest, newest.created, newest.platforms)
            )
    return images[:count]


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--images", type=int, default=100_000, help="images to evaluate")
    parser.add_argument("--quick", action="store_true", help="5,000 images (for the test suite)")
    parser.add_argument("--repeat", type=int, default=3, help="cold runs; eval_s is the median")
    args = parser.parse_args()
    count = 5_000 if args.quick else args.images

    started = time.perf_counter()
    images = build_images(count)
    rule_set = build_rule_set()
    patterns = len(rule_set.pull_patterns) + len(rule_set.always_pull) + len(rule_set.never_pull)
    print(
        f"built {len(images)} images in {time.perf_counter() - started:.2f}s: "
        f"{len({i.repository for i in images})} repositories, "
        f"{len({i.tag for i in images})} distinct tags"
    )

    # Each run is a fresh sweep: the rule set is compiled again and every cache is empty.
    samples = []
    decisions = []
    for _ in range(max(1, args.repeat)):
        compile_rule_set.cache_clear()
        started = time.perf_counter()
        decisions = evaluate(rule_set, images, NOW)
        samples.append(time.perf_counter() - started)
    eval_s = statistics.median(samples)
    print(
        f"cold evaluations (compile included): {', '.join(f'{s:.3f}s' for s in samples)}; "
        f"median {eval_s:.3f}s"
    )

    tally = Counter(f"{d.action.value}/{d.reason.value}" for d in decisions)
    for key, value in tally.most_common():
        print(f"  {key}: {value}")
    print(json.dumps({"images": len(images), "patterns": patterns, "eval_s": round(eval_s, 4)}))
    return 0


if __name__ == "__main__":
    sys.exit(main())
