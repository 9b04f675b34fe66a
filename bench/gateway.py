"""Benchmark: webhook deliveries per second with durable acknowledgement, and none lost
across a NATS restart.

Starts its own PostgreSQL, NATS (JetStream), Catalog and gateway (`regsieve serve gateway`,
separate processes), registers a Distribution and a Harbor registry with webhook secrets,
then runs a load generator in a separate process: keep-alive connections, each posting
authenticated pushes (every one a new image: unique tag and digest, Distribution and Harbor
alternating) and sending the next once the answer came (a closed loop, like wrk). The client
is a minimal HTTP/1.1 writer/reader on asyncio so that it costs the 2-core machine little
CPU next to the gateway.

Phase 1 measures accepted webhooks per second (a 2xx means JetStream acknowledged every
event) and the latency of each delivery. Phase 2 stops NATS in the middle of the load and
starts it again; the client retries 503 answers like a registry does; afterwards every
delivery answered 2xx must be on the stream (`lost` counts those that are not) and none
twice (`duplicates`). Last line: the JSON result.
"""

from __future__ import annotations

import argparse
import asyncio
import hashlib
import json
import multiprocessing
import os
import subprocess
import sys
import time
import urllib.request
import uuid
from collections import Counter
from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from dataclasses import dataclass, field
from multiprocessing.connection import Connection
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench.harness import info, nats, postgres, result, scratch_dir, service_process
from services.common.embedded import EmbeddedError, EmbeddedNats, free_port

ROOT = Path(__file__).resolve().parent.parent
DATA = ROOT / "tests" / "data" / "webhooks"
EVENTS_STREAM = "REGSIEVE_EVENTS"
INTERNAL_TOKEN = "bench-internal-token"
DIST_SECRET = "Bearer bench-distribution-secret"
HARBOR_SECRET = "Bearer bench-harbor-secret"
DISTRIBUTION_REPOSITORY = "bench/distribution"
HARBOR_PROJECT, HARBOR_NAME = "bench", "harbor"


# -- request bodies ---------------------------------------------------------------------------


def distribution_template() -> str:
    """The live docker-registry 2.8.2 manifest push capture, with placeholders for the
    fields that make each push a new image: event id, time, digest, tag."""
    capture = json.loads((DATA / "distribution-live" / "manifest-push-oci.json").read_text())
    body: str = capture["body_raw"].replace("%", "%%")
    event = capture["body"]["events"][0]
    target = event["target"]
    body = body.replace(target["digest"], "sha256:%(digest)s")
    body = body.replace(f'"tag": "{target["tag"]}"', '"tag": "%(tag)s"')
    body = body.replace(target["repository"], "%(repository)s")
    body = body.replace(event["id"], "%(event_id)s")
    return body.replace(event["timestamp"], "%(timestamp)s")


def harbor_template() -> str:
    """Harbor's documented PUSH_ARTIFACT payload with placeholders for digest, tag, time."""
    raw = (DATA / "harbor" / "push_artifact.json").read_text()
    document = json.loads(raw)
    digest = document["event_data"]["resources"][0]["digest"]
    body = raw.replace("%", "%%").replace(f'"tag": "{digest}"', '"tag": "%(tag)s"')
    body = body.replace(digest, "sha256:%(digest)s")
    body = body.replace(f'"occur_at": {document["occur_at"]}', '"occur_at": %(occur_at)d')
    body = body.replace('"name": "alpine"', f'"name": "{HARBOR_NAME}"')
    body = body.replace('"namespace": "harbor"', f'"namespace": "{HARBOR_PROJECT}"')
    return body.replace("harbor/alpine", f"{HARBOR_PROJECT}/{HARBOR_NAME}")


@dataclass(frozen=True)
class Target:
    """One registry the load generator posts to."""

    kind: str  # distribution or harbor
    path: str
    authorization: str
    content_type: str
    template: str


def build_request(target: Target, host: str, tag: str) -> bytes:
    digest = hashlib.sha256(tag.encode()).hexdigest()
    now = time.time()
    if target.kind == "distribution":
        body = target.template % {
            "digest": digest,
            "tag": tag,
            "repository": DISTRIBUTION_REPOSITORY,
            "event_id": uuid.uuid4(),
            "timestamp": time.strftime("%Y-%m-%dT%H:%M:%S", time.gmtime(now))
            + f".{int(now % 1 * 1e9):09d}Z",
        }
    else:
        body = target.template % {"digest": digest, "tag": tag, "occur_at": int(now)}
    payload = body.encode()
    head = (
        f"POST {target.path} HTTP/1.1\r\nHost: {host}\r\n"
        f"Content-Type: {target.content_type}\r\nAuthorization: {target.authorization}\r\n"
        f"Content-Length: {len(payload)}\r\n\r\n"
    )
    return head.encode() + payload


def identity(target: Target, tag: str) -> str:
    repository = (
        DISTRIBUTION_REPOSITORY
        if target.kind == "distribution"
        else f"{HARBOR_PROJECT}/{HARBOR_NAME}"
    )
    return f"{repository}:{tag}"


# -- the load generator (a separate process) --------------------------------------------------


@dataclass(frozen=True)
class LoadSpec:
    host: str
    port: int
    targets: tuple[Target, ...]
    connections: int
    duration_s: float
    warmup_s: float
    phase: str
    retry_503: bool
    drain_s: float = 60.0


@dataclass
class LoadResult:
    measured_ok: int = 0
    measured_s: float = 0.0
    latencies_ms: list[float] = field(default_factory=list)
    statuses: Counter[int] = field(default_factory=Counter)
    accepted: list[str] = field(default_factory=list)
    retries: int = 0
    unfinished: int = 0


class _Client(asyncio.Protocol):
    """One keep-alive connection: send a request, read the whole answer, send the next."""

    def __init__(self, run: _LoadRun, number: int) -> None:
        self.run = run
        self.number = number
        self.sequence = 0
        self.buffer = b""
        self.transport: asyncio.Transport | None = None
        self.pending: tuple[bytes, str, float] | None = None
        self.closed = asyncio.get_running_loop().create_future()

    def connection_made(self, transport: asyncio.BaseTransport) -> None:
        assert isinstance(transport, asyncio.Transport)
        self.transport = transport
        self.send_next()

    def send_next(self) -> None:
        if not self.run.sending:
            self.finish()
            return
        self.sequence += 1
        target = self.run.spec.targets[self.sequence % len(self.run.spec.targets)]
        tag = f"{self.run.spec.phase}-{self.number}-{self.sequence}"
        request = build_request(target, self.run.host_header, tag)
        self.pending = (request, identity(target, tag), time.perf_counter())
        self.write()

    def write(self) -> None:
        assert self.transport is not None and self.pending is not None
        self.transport.write(self.pending[0])

    def data_received(self, data: bytes) -> None:
        self.buffer += data
        while True:
            end = self.buffer.find(b"\r\n\r\n")
            if end < 0:
                return
            head = self.buffer[:end].lower()
            start = head.find(b"\r\ncontent-length:")
            length = int(head[start + 17 : head.find(b"\r\n", start + 2)]) if start >= 0 else 0
            if len(self.buffer) < end + 4 + length:
                return
            status = int(self.buffer[9:12])
            self.buffer = self.buffer[end + 4 + length :]
            self.answered(status)

    def answered(self, status: int) -> None:
        assert self.pending is not None
        _, name, sent = self.pending
        now = time.perf_counter()
        run = self.run
        run.result.statuses[status] += 1
        if status == 503 and run.spec.retry_503:
            run.result.retries += 1
            asyncio.get_running_loop().call_later(0.1, self.write)
            return
        if 200 <= status < 300:
            run.result.accepted.append(name)
            if run.measure_from <= sent and now <= run.measure_until:
                run.result.measured_ok += 1
                run.result.latencies_ms.append((now - sent) * 1000)
        self.pending = None
        self.send_next()

    def finish(self) -> None:
        if self.transport is not None:
            self.transport.close()

    def connection_lost(self, exc: Exception | None) -> None:
        if self.pending is not None:
            self.run.result.unfinished += 1
        if not self.closed.done():
            self.closed.set_result(None)


class _LoadRun:
    def __init__(self, spec: LoadSpec) -> None:
        self.spec = spec
        self.host_header = f"{spec.host}:{spec.port}"
        self.result = LoadResult()
        self.sending = True
        now = time.perf_counter()
        self.measure_from = now + spec.warmup_s
        self.measure_until = now + spec.warmup_s + spec.duration_s

    async def run(self) -> LoadResult:
        loop = asyncio.get_running_loop()
        clients: list[_Client] = []
        for number in range(self.spec.connections):
            client = _Client(self, number)

            def protocol(client: _Client = client) -> _Client:
                return client

            await loop.create_connection(protocol, self.spec.host, self.spec.port)
            clients.append(client)
        await asyncio.sleep(max(0.0, self.measure_until - time.perf_counter()))
        self.sending = False
        # in-flight deliveries (retrying 503s in phase 2) finish before the counts are taken
        try:
            await asyncio.wait_for(
                asyncio.gather(*(c.closed for c in clients)), timeout=self.spec.drain_s
            )
        except TimeoutError:
            for client in clients:
                client.finish()
        self.result.measured_s = self.spec.duration_s
        return self.result


def load_main(spec: LoadSpec, conn: Connection) -> None:
    """Entry point of the load generator process: runs, then sends its LoadResult back."""
    outcome = asyncio.run(_LoadRun(spec).run())
    conn.send(outcome)
    conn.close()


def run_load(spec: LoadSpec, during: Any = None) -> LoadResult:
    """Runs the load generator in a child process; `during(elapsed_s)` is called in this
    process every 0.1 s while it runs (phase 2 restarts NATS from there)."""
    context = multiprocessing.get_context("spawn")
    receiver, sender = context.Pipe(duplex=False)
    process = context.Process(target=load_main, args=(spec, sender), daemon=True)
    process.start()
    sender.close()
    started = time.monotonic()
    while not receiver.poll(0.1):
        if not process.is_alive():
            raise SystemExit(f"load generator exited with {process.exitcode}")
        if during is not None:
            during(time.monotonic() - started)
    outcome: LoadResult = receiver.recv()
    process.join(10)
    return outcome


# -- servers ----------------------------------------------------------------------------------


def http_ready(url: str) -> bool:
    try:
        with urllib.request.urlopen(url, timeout=1.0) as reply:
            return bool(reply.status == 200)
    except OSError:
        return False


@contextmanager
def gateway_process(
    env: Mapping[str, str], directory: Path
) -> Iterator[tuple[int, subprocess.Popen[bytes]]]:
    """Runs `regsieve serve gateway` on a free port; yields the port once /readyz is 200."""
    port = free_port()
    log = directory / "gateway.log"
    full_env = {
        **os.environ,
        "REGSIEVE_GATEWAY_LISTEN": f"127.0.0.1:{port}",
        "REGSIEVE_LOG_LEVEL": "warning",
        "REGSIEVE_LOG_FORMAT": "json",
        **env,
    }
    with open(log, "ab") as out:
        process = subprocess.Popen(
            [sys.executable, "-m", "services.cli.main", "serve", "gateway"],
            env=full_env,
            stdout=out,
            stderr=subprocess.STDOUT,
            cwd=ROOT,
        )
    try:
        deadline = time.monotonic() + 60
        while not http_ready(f"http://127.0.0.1:{port}/readyz"):
            if process.poll() is not None or time.monotonic() > deadline:
                raise EmbeddedError(
                    f"gateway not ready:\n{log.read_text(errors='replace')[-3000:]}"
                )
            time.sleep(0.1)
        yield port, process
    finally:
        process.terminate()
        try:
            process.wait(30)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()


async def create_registries(catalog_target: str) -> tuple[str, str]:
    import grpc

    from regsieve.v1 import catalog_pb2 as pb
    from regsieve.v1 import catalog_pb2_grpc

    async with grpc.aio.insecure_channel(catalog_target) as channel:
        stub = catalog_pb2_grpc.CatalogServiceStub(channel)
        ids = []
        registries = (
            ("distribution", pb.REGISTRY_TYPE_DISTRIBUTION, "http://127.0.0.1:5000", DIST_SECRET),
            ("harbor", pb.REGISTRY_TYPE_HARBOR, "https://harbor.example.com", HARBOR_SECRET),
        )
        for name, kind, url, secret in registries:
            reply = await stub.CreateRegistry(
                pb.CreateRegistryRequest(
                    registry=pb.Registry(
                        name=f"bench-{name}",
                        type=kind,
                        url=url,
                        enabled=True,
                        webhook=pb.WebhookSettings(secret=secret),
                    )
                )
            )
            ids.append(reply.registry.id)
    return ids[0], ids[1]


async def stored_identities(nats_url: str) -> Counter[str]:
    """`repository:tag` of every event on the stream, with how often each is there."""
    import nats as nats_client
    from nats.js.api import AckPolicy, ConsumerConfig, DeliverPolicy

    from regsieve.v1 import events_pb2

    nc = await nats_client.connect(nats_url)
    try:
        js = nc.jetstream()
        total = (await js.stream_info(EVENTS_STREAM)).state.messages
        subscription = await js.pull_subscribe(
            "regsieve.events.>",
            durable=None,
            stream=EVENTS_STREAM,
            config=ConsumerConfig(
                ack_policy=AckPolicy.NONE, deliver_policy=DeliverPolicy.ALL, max_waiting=1
            ),
        )
        seen: Counter[str] = Counter()
        while sum(seen.values()) < total:
            for message in await subscription.fetch(1000, timeout=5):
                event = events_pb2.RegistryEvent.FromString(message.data)
                seen[f"{event.repository}:{event.tag}"] += 1
        await subscription.unsubscribe()
        return seen
    finally:
        await nc.close()


def percentile(values: list[float], fraction: float) -> float:
    ordered = sorted(values)
    if not ordered:
        return 0.0
    return ordered[min(len(ordered) - 1, int(fraction * len(ordered)))]


# -- the benchmark ----------------------------------------------------------------------------


def run(args: argparse.Namespace, directory: Path) -> dict[str, float | int]:
    from services.common.secrets import generate_key

    with (
        postgres(directory) as pg,
        nats(directory) as nats_server,
        service_process(
            "catalog",
            {
                "REGSIEVE_DATABASE_URL": pg.dsn,
                "REGSIEVE_SECRET_KEY": generate_key(),
                "REGSIEVE_INTERNAL_TOKEN": INTERNAL_TOKEN,
            },
            directory,
        ) as (catalog_target, _),
    ):
        distribution_id, harbor_id = asyncio.run(create_registries(catalog_target))
        gateway_env = {
            "REGSIEVE_NATS_URL": nats_server.url,
            "REGSIEVE_CATALOG_TARGET": catalog_target,
            "REGSIEVE_INTERNAL_TOKEN": INTERNAL_TOKEN,
            "REGSIEVE_GATEWAY_RETRY_AFTER_SECONDS": "1",
        }
        with gateway_process(gateway_env, directory) as (port, _):
            targets = (
                Target(
                    "distribution",
                    f"/v1/webhooks/{distribution_id}",
                    DIST_SECRET,
                    "application/vnd.docker.distribution.events.v1+json",
                    distribution_template(),
                ),
                Target(
                    "harbor",
                    f"/v1/webhooks/{harbor_id}",
                    HARBOR_SECRET,
                    "application/json",
                    harbor_template(),
                ),
            )
            load = LoadSpec(
                host="127.0.0.1",
                port=port,
                targets=targets,
                connections=args.connections,
                duration_s=args.duration,
                warmup_s=args.warmup,
                phase="p1",
                retry_503=False,
            )
            info(f"load: {uptime()}")
            first = run_load(load)
            rate = first.measured_ok / first.measured_s
            p50 = percentile(first.latencies_ms, 0.50)
            p99 = percentile(first.latencies_ms, 0.99)
            info(
                f"phase 1: {first.measured_ok} accepted in {first.measured_s:.1f}s = {rate:.0f}/s,"
                f" p50 {p50:.1f} ms, p99 {p99:.1f} ms, statuses {dict(first.statuses)}"
            )
            second = run_load(
                LoadSpec(
                    host="127.0.0.1",
                    port=port,
                    targets=targets,
                    connections=args.connections,
                    duration_s=args.outage_duration,
                    warmup_s=0.0,
                    phase="p2",
                    retry_503=True,
                ),
                during=restart_in_the_middle(nats_server, args.outage_duration, args.outage),
            )
            info(
                f"phase 2: {len(second.accepted)} accepted, {second.retries} retried after 503,"
                f" statuses {dict(second.statuses)}, unfinished {second.unfinished}"
            )
            info(f"load: {uptime()}")
        stored = asyncio.run(stored_identities(nats_server.url))
    accepted = Counter(first.accepted + second.accepted)
    lost = sum(1 for name in accepted if name not in stored)
    duplicates = sum(count - 1 for count in stored.values() if count > 1)
    unexpected = sum(1 for name in stored if name not in accepted)
    info(
        f"stream: {sum(stored.values())} events, {len(accepted)} accepted deliveries,"
        f" lost {lost}, duplicates {duplicates}, stored without a 2xx {unexpected}"
    )
    if first.statuses.keys() - {200}:
        raise SystemExit(f"phase 1 had non-2xx answers: {dict(first.statuses)}")
    if not second.retries:
        raise SystemExit("phase 2 saw no 503: NATS was not down during the load")
    return {
        "webhooks_per_s": round(rate, 1),
        "p50_ms": round(p50, 2),
        "p99_ms": round(p99, 2),
        "lost": lost,
        "duplicates": duplicates,
        "phase2_accepted": len(second.accepted),
        "phase2_retried_503": second.retries,
        "connections": args.connections,
    }


def restart_in_the_middle(server: EmbeddedNats, duration: float, outage: float) -> Any:
    """Stops NATS a third into the load and starts it again (same port and store)."""
    state = {"stopped": False, "started": False}

    def during(elapsed: float) -> None:
        if not state["stopped"] and elapsed >= duration / 3:
            server.stop()
            state["stopped"] = True
            info(f"phase 2: NATS stopped at {elapsed:.1f}s")
        elif state["stopped"] and not state["started"] and elapsed >= duration / 3 + outage:
            server.start()
            state["started"] = True
            info(f"phase 2: NATS started again at {elapsed:.1f}s")

    return during


def uptime() -> str:
    try:
        return "load average " + " ".join(Path("/proc/loadavg").read_text().split()[:3])
    except OSError:
        return "load average unknown"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--duration", type=float, default=20.0, help="phase 1 seconds measured")
    parser.add_argument("--warmup", type=float, default=2.0)
    parser.add_argument("--connections", type=int, default=32)
    parser.add_argument("--outage-duration", type=float, default=9.0, help="phase 2 seconds")
    parser.add_argument("--outage", type=float, default=2.0, help="seconds NATS is down")
    parser.add_argument("--quick", action="store_true", help="short phases, for the test suite")
    args = parser.parse_args()
    if args.quick:
        args.duration, args.warmup, args.outage_duration, args.outage = 2.0, 0.5, 4.0, 1.0
        args.connections = min(args.connections, 16)
    with scratch_dir("regsieve-bench-gateway-") as directory:
        values = run(args, directory)
    result(values)


if __name__ == "__main__":
    main()
