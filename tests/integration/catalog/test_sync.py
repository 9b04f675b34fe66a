"""Sync against a real registry: exact inventory, incremental re-sync, re-push and deletion."""

from __future__ import annotations

from datetime import UTC, datetime

from regsieve.v1 import catalog_pb2 as pb
from services.common.registry.client import RegistryClient
from tests.support.catalog import CatalogHandle
from tests.support.images import ImageSpec, layer, push_image, push_index
from tests.support.registry import RunningRegistry

T0 = datetime(2024, 1, 1, 12, 0, tzinfo=UTC)
T1 = datetime(2024, 2, 1, 8, 30, 15, 123456, tzinfo=UTC)
T2 = datetime(2025, 6, 30, 23, 59, 59, tzinfo=UTC)


async def populate(registry: RunningRegistry) -> dict[tuple[str, str], dict[str, object]]:
    """Pushes a known set of images; returns the expected inventory per (repository, tag)."""
    expected: dict[tuple[str, str], dict[str, object]] = {}
    base = layer({"etc/os-release": b'ID=debian\nVERSION_ID="12"\n'})
    async with RegistryClient(registry.url) as client:
        oci = ImageSpec([base, layer({"app/v1": b"one"})], created=T0)
        digest = await push_image(client, "team/app", ["1.0"], oci)
        expected[("team/app", "1.0")] = {"digest": digest, "created": T0, "oci": True}
        docker = ImageSpec([base, layer({"app/v2": b"two"}, oci=False)], created=T1, oci=False)
        digest = await push_image(client, "team/app", ["1.1", "latest"], docker)
        for tag in ("1.1", "latest"):
            expected[("team/app", tag)] = {"digest": digest, "created": T1, "oci": False}
        amd64 = ImageSpec([base], created=T1)
        arm64 = ImageSpec([layer({"arm": b"64"})], created=T2, architecture="arm64", variant="v8")
        index_digest, children = await push_index(client, "library/base", ["3.19"], [amd64, arm64])
        expected[("library/base", "3.19")] = {
            "digest": index_digest,
            "created": T2,
            "platforms": [
                ("linux", "amd64", "", children[0], T1),
                ("linux", "arm64", "v8", children[1], T2),
            ],
        }
        no_time = ImageSpec([layer({"bin/tool": b"x"})], created=None)
        digest = await push_image(client, "tools/cli", ["v2"], no_time)
        expected[("tools/cli", "v2")] = {"digest": digest, "created": None}
    return expected


def created_of(image: pb.Image) -> datetime | None:
    return image.create_time.ToDatetime(tzinfo=UTC) if image.HasField("create_time") else None


async def test_sync_records_exactly_what_was_pushed(
    registry: RunningRegistry, catalog: CatalogHandle
) -> None:
    expected = await populate(registry)
    created = await catalog.create_registry("local", registry.url)

    sync = await catalog.sync(created.id)

    assert sync.state == pb.SYNC_STATE_SUCCEEDED, sync.error
    assert sync.progress.repositories_total == 3
    assert sync.progress.tags_new == len(expected)
    assert sync.progress.tags_changed == 0
    images = await catalog.images(created.id)
    assert {(i.repository, i.tag) for i in images} == set(expected)
    for image in images:
        want = expected[(image.repository, image.tag)]
        assert image.digest == want["digest"]
        assert created_of(image) == want["created"]
        assert not image.removed
        if "platforms" in want:
            assert image.media_type == "application/vnd.oci.image.index.v1+json"
            got = [
                (
                    p.platform.os,
                    p.platform.architecture,
                    p.platform.variant,
                    p.digest,
                    p.create_time.ToDatetime(tzinfo=UTC),
                )
                for p in image.platforms
            ]
            assert got == want["platforms"]
        else:
            assert len(image.platforms) == 1
            assert image.platforms[0].platform.architecture == "amd64"
            assert image.media_type == (
                "application/vnd.oci.image.manifest.v1+json"
                if want.get("oci", True)
                else "application/vnd.docker.distribution.manifest.v2+json"
            )
    by_digest = await catalog.stub.GetImage(
        pb.GetImageRequest(
            registry_id=created.id, digest=str(expected[("team/app", "1.1")]["digest"])
        )
    )
    assert {(r.repository, r.tag) for r in by_digest.references} == {
        ("team/app", "1.1"),
        ("team/app", "latest"),
    }


async def test_resync_unchanged_costs_one_head_per_tag(
    registry: RunningRegistry, catalog: CatalogHandle
) -> None:
    expected = await populate(registry)
    created = await catalog.create_registry("local", registry.url)
    first = await catalog.sync(created.id)
    assert first.state == pb.SYNC_STATE_SUCCEEDED

    mark = registry.log_mark()
    second = await catalog.sync(created.id)

    assert second.state == pb.SYNC_STATE_SUCCEEDED, second.error
    assert second.progress.tags_unchanged == len(expected)
    assert second.progress.tags_new == second.progress.tags_changed == 0
    assert second.progress.manifests_fetched == second.progress.configs_fetched == 0
    requests = registry.requests()[mark:]
    gets = [(m, u) for m, u, _ in requests if m == "GET" and ("/manifests/" in u or "/blobs/" in u)]
    assert gets == []
    heads = [u for m, u, _ in requests if m == "HEAD"]
    assert len(heads) == len(expected)


async def test_repush_and_delete_are_seen(
    registry: RunningRegistry, catalog: CatalogHandle
) -> None:
    expected = await populate(registry)
    created = await catalog.create_registry("local", registry.url)
    assert (await catalog.sync(created.id)).state == pb.SYNC_STATE_SUCCEEDED
    async with RegistryClient(registry.url) as client:
        new_digest = await push_image(
            client, "team/app", ["1.0"], ImageSpec([layer({"app/v1": b"rebuilt"})], created=T2)
        )
        await client.delete_manifest("tools/cli", str(expected[("tools/cli", "v2")]["digest"]))

    sync = await catalog.sync(created.id)

    assert sync.state == pb.SYNC_STATE_SUCCEEDED, sync.error
    assert sync.progress.tags_changed == 1
    assert sync.progress.tags_removed == 1
    current = {(i.repository, i.tag): i for i in await catalog.images(created.id)}
    assert current[("team/app", "1.0")].digest == new_digest
    assert created_of(current[("team/app", "1.0")]) == T2
    assert ("tools/cli", "v2") not in current
    everything = {
        (i.repository, i.tag): i for i in await catalog.images(created.id, include_removed=True)
    }
    assert everything[("tools/cli", "v2")].removed
    assert everything[("tools/cli", "v2")].HasField("remove_time")
    first_page = await catalog.stub.ListSyncs(
        pb.ListSyncsRequest(registry_id=created.id, page_size=1)
    )
    second_page = await catalog.stub.ListSyncs(
        pb.ListSyncsRequest(
            registry_id=created.id, page_size=1, page_token=first_page.next_page_token
        )
    )
    assert [s.id for s in first_page.syncs] == [sync.id]  # newest first
    assert len(second_page.syncs) == 1 and not second_page.next_page_token
