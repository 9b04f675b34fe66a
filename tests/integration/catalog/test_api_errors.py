"""Bad input gets INVALID_ARGUMENT with field violations; unknown ids NOT_FOUND; pages chain."""

from __future__ import annotations

import grpc
import pytest
from google.rpc import error_details_pb2, status_pb2

from regsieve.v1 import catalog_pb2 as pb
from tests.support.catalog import CatalogHandle

UNKNOWN_ID = "00000000-0000-4000-8000-000000000000"


def violations(error: grpc.aio.AioRpcError) -> dict[str, str]:
    status = next(
        (
            status_pb2.Status.FromString(v)
            for k, v in error.trailing_metadata()
            if k == "grpc-status-details-bin"
        ),
        None,
    )
    assert status is not None, "no status details"
    found: dict[str, str] = {}
    for detail in status.details:
        if detail.Is(error_details_pb2.BadRequest.DESCRIPTOR):
            bad = error_details_pb2.BadRequest()
            detail.Unpack(bad)
            found.update({v.field: v.description for v in bad.field_violations})
    return found


async def expect_invalid(call: object) -> dict[str, str]:
    with pytest.raises(grpc.aio.AioRpcError) as caught:
        await call  # type: ignore[misc]
    assert caught.value.code() == grpc.StatusCode.INVALID_ARGUMENT, caught.value.details()
    return violations(caught.value)


@pytest.mark.parametrize(
    ("url", "message"),
    [
        ("ftp://registry.example.com", "https://host"),
        ("registry.example.com", "https://host"),
        ("https://registry.example.com/v2/", "path"),
        ("https://user:pw@registry.example.com", "credentials"),
        ("http://registry.example.com", "loopback"),
        ("https://registry.example.com:99999", "port"),
    ],
)
async def test_invalid_urls(catalog: CatalogHandle, url: str, message: str) -> None:
    found = await expect_invalid(
        catalog.stub.CreateRegistry(
            pb.CreateRegistryRequest(
                registry=pb.Registry(name="x", type=pb.REGISTRY_TYPE_DISTRIBUTION, url=url)
            )
        )
    )
    assert message in found["registry.url"]


async def test_missing_fields_and_unknown_type(catalog: CatalogHandle) -> None:
    found = await expect_invalid(catalog.stub.CreateRegistry(pb.CreateRegistryRequest()))
    assert "registry" in found
    found = await expect_invalid(
        catalog.stub.CreateRegistry(
            pb.CreateRegistryRequest(registry=pb.Registry(type=99, url="https://r.example.com"))  # type: ignore[arg-type]
        )
    )
    assert set(found) == {"registry.name", "registry.type"}
    found = await expect_invalid(
        catalog.stub.CreateRegistry(
            pb.CreateRegistryRequest(
                registry=pb.Registry(
                    name="x",
                    type=pb.REGISTRY_TYPE_DISTRIBUTION,
                    url="https://r.example.com",
                    scope=pb.RepositoryScope(repositories=["ok/repo", "Bad Repo"]),
                    limits=pb.RegistryLimits(max_concurrency=100000),
                )
            )
        )
    )
    assert set(found) == {"registry.scope.repositories[1]", "registry.limits.max_concurrency"}


async def test_bad_page_tokens_and_filters(catalog: CatalogHandle) -> None:
    created = await catalog.create_registry("r", "https://r.example.com")
    found = await expect_invalid(
        catalog.stub.ListImages(pb.ListImagesRequest(registry_id=created.id, page_token="garbage!"))
    )
    assert "page_token" in found
    registries_token = (
        await catalog.stub.ListRegistries(pb.ListRegistriesRequest(page_size=1))
    ).next_page_token
    await catalog.create_registry("s", "https://s.example.com")
    token = (
        await catalog.stub.ListRegistries(pb.ListRegistriesRequest(page_size=1))
    ).next_page_token
    assert token and not registries_token
    found = await expect_invalid(
        catalog.stub.ListImages(pb.ListImagesRequest(registry_id=created.id, page_token=token))
    )
    assert "different listing" in found["page_token"]
    found = await expect_invalid(
        catalog.stub.ListRegistries(pb.ListRegistriesRequest(page_size=-1))
    )
    assert "page_size" in found
    found = await expect_invalid(
        catalog.stub.SyncRegistry(pb.SyncRegistryRequest(registry_id=created.id, ref_filter="(("))
    )
    assert "RE2" in found["ref_filter"]
    found = await expect_invalid(
        catalog.stub.GetImage(pb.GetImageRequest(registry_id=created.id, digest="sha256:abc"))
    )
    assert "digest" in found


async def test_unknown_ids_are_not_found(catalog: CatalogHandle) -> None:
    calls = [
        catalog.stub.GetRegistry(pb.GetRegistryRequest(id=UNKNOWN_ID)),
        catalog.stub.GetRegistry(pb.GetRegistryRequest(id="not-a-uuid")),
        catalog.stub.DeleteRegistry(pb.DeleteRegistryRequest(id=UNKNOWN_ID)),
        catalog.stub.GetSync(pb.GetSyncRequest(id=UNKNOWN_ID)),
        catalog.stub.SyncRegistry(pb.SyncRegistryRequest(registry_id=UNKNOWN_ID)),
        catalog.stub.ListImages(pb.ListImagesRequest(registry_id=UNKNOWN_ID)),
        catalog.stub.TestRegistry(pb.TestRegistryRequest(id=UNKNOWN_ID)),
        catalog.access.GetRegistryAccess(
            pb.GetRegistryAccessRequest(registry_id=UNKNOWN_ID),
            metadata=(("authorization", "Bearer internal-test-token"),),
        ),
    ]
    for call in calls:
        with pytest.raises(grpc.aio.AioRpcError) as caught:
            await call
        assert caught.value.code() == grpc.StatusCode.NOT_FOUND


async def test_registry_crud_secrets_and_pagination(catalog: CatalogHandle) -> None:
    names = [f"reg-{i:02d}" for i in range(7)]
    for name in reversed(names):
        await catalog.create_registry(
            name,
            f"https://{name}.example.com",
            credentials=pb.Credentials(username="u", password=f"pw-{name}"),
        )
    with pytest.raises(grpc.aio.AioRpcError) as caught:
        await catalog.create_registry("reg-00", "https://dup.example.com")
    assert caught.value.code() == grpc.StatusCode.ALREADY_EXISTS
    seen, token = [], ""
    while True:
        reply = await catalog.stub.ListRegistries(
            pb.ListRegistriesRequest(page_size=3, page_token=token)
        )
        seen.extend(r.name for r in reply.registries)
        assert all("pw-" not in str(r) for r in reply.registries)
        token = reply.next_page_token
        if not token:
            break
    assert seen == names

    first = (await catalog.stub.ListRegistries(pb.ListRegistriesRequest(page_size=1))).registries[0]
    updated = await catalog.stub.UpdateRegistry(
        pb.UpdateRegistryRequest(
            registry=pb.Registry(
                id=first.id, enabled=False, limits=pb.RegistryLimits(max_concurrency=4)
            ),
            update_mask={"paths": ["enabled", "limits"]},
        )
    )
    assert not updated.registry.enabled
    assert updated.registry.limits.max_concurrency == 4
    assert updated.registry.name == first.name and updated.registry.credentials.has_secret
    with pytest.raises(grpc.aio.AioRpcError) as caught:
        await catalog.stub.SyncRegistry(pb.SyncRegistryRequest(registry_id=first.id))
    assert caught.value.code() == grpc.StatusCode.FAILED_PRECONDITION

    with pytest.raises(grpc.aio.AioRpcError) as caught:
        await catalog.access.GetRegistryAccess(pb.GetRegistryAccessRequest(registry_id=first.id))
    assert caught.value.code() == grpc.StatusCode.UNAUTHENTICATED
    access = await catalog.access.GetRegistryAccess(
        pb.GetRegistryAccessRequest(registry_id=first.id),
        metadata=(("authorization", "Bearer internal-test-token"),),
    )
    assert access.credentials.password == f"pw-{first.name}"

    await catalog.stub.UpdateRegistry(
        pb.UpdateRegistryRequest(
            registry=pb.Registry(id=first.id),
            update_mask={"paths": ["credentials"]},
            credentials=pb.Credentials(),
        )
    )
    cleared = await catalog.stub.GetRegistry(pb.GetRegistryRequest(id=first.id))
    assert not cleared.registry.credentials.has_secret
    await catalog.stub.DeleteRegistry(pb.DeleteRegistryRequest(id=first.id))
    with pytest.raises(grpc.aio.AioRpcError) as caught:
        await catalog.stub.GetRegistry(pb.GetRegistryRequest(id=first.id))
    assert caught.value.code() == grpc.StatusCode.NOT_FOUND
