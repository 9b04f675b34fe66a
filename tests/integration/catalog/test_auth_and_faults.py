"""Registry authentication (Basic, bearer tokens) and retried faults, against real servers."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import bcrypt

from regsieve.v1 import catalog_pb2 as pb
from services.common.registry.auth import RegistryCredentials
from services.common.registry.client import RegistryClient
from tests.support.catalog import CatalogHandle
from tests.support.fault_proxy import Fault, FaultProxy
from tests.support.images import ImageSpec, layer, push_image
from tests.support.registry import RunningRegistry
from tests.support.token_issuer import TokenIssuer


def htpasswd(path: Path, user: str, password: str) -> Path:
    hashed = bcrypt.hashpw(password.encode(), bcrypt.gensalt(rounds=4)).decode()
    path.write_text(f"{user}:{hashed}\n")
    return path


async def test_basic_auth_registry(
    registry_factory: Callable[..., RunningRegistry], catalog: CatalogHandle, scratch: Path
) -> None:
    password_file = htpasswd(scratch / "htpasswd-basic", "alice", "s3cret")
    registry = registry_factory(auth={"htpasswd": {"realm": "test", "path": str(password_file)}})
    good = RegistryCredentials("alice", "s3cret")
    async with RegistryClient(registry.url, good) as client:
        await push_image(client, "private/app", ["1"], ImageSpec([layer({"a": b"1"})]))

    wrong = await catalog.stub.TestRegistry(
        pb.TestRegistryRequest(
            registry=pb.Registry(name="r", type=pb.REGISTRY_TYPE_DISTRIBUTION, url=registry.url),
            credentials=pb.Credentials(username="alice", password="wrong"),
        )
    )
    assert not wrong.ok
    assert wrong.stage == pb.TEST_REGISTRY_STAGE_AUTH
    assert "alice" in wrong.message and "refused" in wrong.message
    assert "wrong" not in wrong.message

    missing = await catalog.stub.TestRegistry(
        pb.TestRegistryRequest(
            registry=pb.Registry(name="r", type=pb.REGISTRY_TYPE_DISTRIBUTION, url=registry.url)
        )
    )
    assert not missing.ok and missing.stage == pb.TEST_REGISTRY_STAGE_AUTH
    assert "requires credentials" in missing.message

    created = await catalog.create_registry(
        "basic", registry.url, credentials=pb.Credentials(username="alice", password="s3cret")
    )
    assert created.credentials.has_secret and created.credentials.username == "alice"
    assert "s3cret" not in str(created)
    ok = await catalog.stub.TestRegistry(pb.TestRegistryRequest(id=created.id))
    assert ok.ok, ok.message
    assert ok.auth_scheme == "basic"
    assert list(ok.sample_repositories) == ["private/app"]
    sync = await catalog.sync(created.id)
    assert sync.state == pb.SYNC_STATE_SUCCEEDED, sync.error
    assert [(i.repository, i.tag) for i in await catalog.images(created.id)] == [
        ("private/app", "1")
    ]


async def test_bearer_token_registry(
    registry_factory: Callable[..., RunningRegistry], catalog: CatalogHandle, scratch: Path
) -> None:
    issuer = await TokenIssuer(scratch / "issuer", "bob", "hunter2").start()
    try:
        registry = registry_factory(auth=issuer.registry_auth())
        async with RegistryClient(registry.url, RegistryCredentials("bob", "hunter2")) as client:
            for i in range(3):
                await push_image(
                    client, f"team/svc{i}", ["1", "2"], ImageSpec([layer({"f": b"%d" % i})])
                )

        refused = await catalog.stub.TestRegistry(
            pb.TestRegistryRequest(
                registry=pb.Registry(
                    name="t", type=pb.REGISTRY_TYPE_DISTRIBUTION, url=registry.url
                ),
                credentials=pb.Credentials(username="bob", password="nope"),
            )
        )
        assert not refused.ok and refused.stage == pb.TEST_REGISTRY_STAGE_AUTH
        assert "token service" in refused.message

        created = await catalog.create_registry(
            "token", registry.url, credentials=pb.Credentials(username="bob", password="hunter2")
        )
        issued_before = issuer.issued
        sync = await catalog.sync(created.id)
        assert sync.state == pb.SYNC_STATE_SUCCEEDED, sync.error
        assert len(await catalog.images(created.id)) == 6
        # one token for the catalog scope and one per repository, reused for every request
        assert issuer.issued - issued_before == 4
    finally:
        await issuer.stop()


async def test_429_and_5xx_are_retried(registry: RunningRegistry, catalog: CatalogHandle) -> None:
    async with RegistryClient(registry.url) as client:
        for tag in ("a", "b", "c"):
            await push_image(client, "flaky/app", [tag], ImageSpec([layer({"t": tag.encode()})]))
    proxy = await FaultProxy(
        registry.url,
        faults=[
            Fault(r"/tags/list", 429, 2, retry_after="1"),
            Fault(r"/manifests/b", 503, 2),
            Fault(r"/blobs/", 500, 1),
        ],
    ).start()
    try:
        created = await catalog.create_registry("flaky", proxy.url)
        sync = await catalog.sync(created.id)
        assert sync.state == pb.SYNC_STATE_SUCCEEDED, sync.error
        assert [f.hits for f in proxy.faults] == [2, 2, 1]
        assert {i.tag for i in await catalog.images(created.id)} == {"a", "b", "c"}
        assert not sync.progress.errors
    finally:
        await proxy.stop()


async def test_retry_budget_exhausted_is_a_counted_error(
    registry: RunningRegistry, catalog: CatalogHandle
) -> None:
    async with RegistryClient(registry.url) as client:
        for tag in ("good", "bad"):
            await push_image(client, "shaky/app", [tag], ImageSpec([layer({"t": tag.encode()})]))
    proxy = await FaultProxy(registry.url, faults=[Fault(r"/manifests/bad", 502, 100)]).start()
    try:
        created = await catalog.create_registry("shaky", proxy.url)
        sync = await catalog.sync(created.id)
        assert sync.state == pb.SYNC_STATE_SUCCEEDED
        assert {i.tag for i in await catalog.images(created.id)} == {"good"}
        errors = {e.reason: e for e in sync.progress.errors}
        assert errors["UNREACHABLE"].count == 1
        assert "shaky/app:bad" in errors["UNREACHABLE"].example
    finally:
        await proxy.stop()
