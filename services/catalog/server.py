"""Catalog gRPC servicers: protobuf in, domain calls, protobuf out."""

from __future__ import annotations

import hmac
from collections.abc import AsyncIterator

import grpc
from google.protobuf import field_mask_pb2

from regsieve.v1 import catalog_pb2 as pb
from regsieve.v1 import catalog_pb2_grpc
from services.catalog import convert
from services.catalog.domain import REPOSITORY_RE
from services.catalog.registries import Registries
from services.catalog.store import CatalogStore
from services.catalog.syncs import SyncManager
from services.common.errors import InvalidArgument, NotFound, Unauthenticated
from services.common.pagination import (
    decode_time_key,
    decode_token,
    encode_time_key,
    encode_token,
    page_size,
)
from services.common.registry.manifest import is_digest
from services.common.watch import poll_changes, watch_interval

TERMINAL_SYNC_STATES = (pb.SYNC_STATE_SUCCEEDED, pb.SYNC_STATE_FAILED, pb.SYNC_STATE_CANCELLED)
_SUBMESSAGES = ("limits", "tls", "scope", "webhook")


def _require(value: str, field: str) -> str:
    if not value:
        raise InvalidArgument.field(field, "is required")
    return value


def _apply_mask(
    current: pb.Registry, update: pb.Registry, mask: field_mask_pb2.FieldMask
) -> tuple[pb.Registry, bool, bool]:
    """Applies `update` onto `current` per mask; returns (merged, credentials?, secret?)."""
    paths = list(mask.paths)
    replace_credentials = "credentials" in paths
    paths = [p for p in paths if p != "credentials"]
    if not mask.paths:
        merged = pb.Registry()
        merged.CopyFrom(update)
        return merged, False, bool(update.webhook.secret)
    bad = [p for p in paths if p.split(".")[0] not in pb.Registry.DESCRIPTOR.fields_by_name]
    bad += [
        p
        for p in paths
        if p.split(".")[0] in ("id", "create_time", "update_time", "credentials", "last_sync_id")
    ]
    if bad:
        raise InvalidArgument(
            violations=[("update_mask", f"{p!r} is not a writable field") for p in bad]
        )
    effective = field_mask_pb2.FieldMask(paths=paths)
    if not effective.IsValidForDescriptor(pb.Registry.DESCRIPTOR):
        raise InvalidArgument.field("update_mask", "names a field the Registry does not have")
    merged = pb.Registry()
    merged.CopyFrom(current)
    effective.MergeMessage(update, merged, replace_message_field=True, replace_repeated_field=True)
    secret_in_mask = any(p in ("webhook", "webhook.secret") for p in paths)
    return merged, replace_credentials, secret_in_mask


class CatalogServicer(catalog_pb2_grpc.CatalogServiceServicer):
    def __init__(self, store: CatalogStore, registries: Registries, syncs: SyncManager) -> None:
        self.store = store
        self.registries = registries
        self.syncs = syncs

    # -- registries ------------------------------------------------------------------

    async def CreateRegistry(
        self, request: pb.CreateRegistryRequest, context: grpc.aio.ServicerContext
    ) -> pb.CreateRegistryResponse:
        if not request.HasField("registry"):
            raise InvalidArgument.field("registry", "is required")
        spec = convert.spec_from_proto(request.registry)
        stored = await self.registries.create(
            spec,
            convert.credentials_from_proto(request.credentials),
            request.registry.webhook.secret,
        )
        return pb.CreateRegistryResponse(registry=convert.registry_to_proto(stored))

    async def GetRegistry(
        self, request: pb.GetRegistryRequest, context: grpc.aio.ServicerContext
    ) -> pb.GetRegistryResponse:
        stored = await self.store.get_registry(_require(request.id, "id"))
        return pb.GetRegistryResponse(registry=convert.registry_to_proto(stored))

    async def ListRegistries(
        self, request: pb.ListRegistriesRequest, context: grpc.aio.ServicerContext
    ) -> pb.ListRegistriesResponse:
        size = page_size(request.page_size)
        after = decode_token("registries", request.page_token)
        rows = await self.store.list_registries(after[0] if after else None, size + 1)
        token = encode_token("registries", [rows[size - 1].spec.name]) if len(rows) > size else ""
        return pb.ListRegistriesResponse(
            registries=[convert.registry_to_proto(r) for r in rows[:size]], next_page_token=token
        )

    async def UpdateRegistry(
        self, request: pb.UpdateRegistryRequest, context: grpc.aio.ServicerContext
    ) -> pb.UpdateRegistryResponse:
        registry_id = _require(request.registry.id, "registry.id")
        current = await self.store.get_registry(registry_id)
        merged, replace_credentials, set_secret = _apply_mask(
            convert.registry_to_proto(current), request.registry, request.update_mask
        )
        if not request.update_mask.paths and request.HasField("credentials"):
            replace_credentials = True
        stored = await self.registries.update(
            registry_id,
            convert.spec_from_proto(merged),
            convert.credentials_from_proto(request.credentials) if replace_credentials else None,
            request.registry.webhook.secret if set_secret else None,
        )
        return pb.UpdateRegistryResponse(registry=convert.registry_to_proto(stored))

    async def DeleteRegistry(
        self, request: pb.DeleteRegistryRequest, context: grpc.aio.ServicerContext
    ) -> pb.DeleteRegistryResponse:
        await self.store.delete_registry(_require(request.id, "id"))
        return pb.DeleteRegistryResponse()

    async def TestRegistry(
        self, request: pb.TestRegistryRequest, context: grpc.aio.ServicerContext
    ) -> pb.TestRegistryResponse:
        if request.id:
            access = await self.registries.access(request.id)
            outcome = await self.registries.test(access.registry.spec, access.credentials)
        else:
            if not request.HasField("registry"):
                raise InvalidArgument.field("registry", "give a registry id or a draft registry")
            outcome = await self.registries.test(
                convert.spec_from_proto(request.registry),
                convert.credentials_from_proto(request.credentials),
            )
        return convert.test_outcome_to_proto(outcome)

    # -- syncs -----------------------------------------------------------------------

    async def SyncRegistry(
        self, request: pb.SyncRegistryRequest, context: grpc.aio.ServicerContext
    ) -> pb.SyncRegistryResponse:
        bad = [
            (f"repositories[{i}]", "is not a valid repository name")
            for i, r in enumerate(request.repositories)
            if not REPOSITORY_RE.match(r)
        ]
        if bad:
            raise InvalidArgument(violations=bad)
        row = await self.syncs.start_sync(
            _require(request.registry_id, "registry_id"),
            ref_filter=request.ref_filter,
            repository_filter=request.repository_filter,
            repositories=tuple(request.repositories),
        )
        return pb.SyncRegistryResponse(sync=convert.sync_to_proto(row))

    async def GetSync(
        self, request: pb.GetSyncRequest, context: grpc.aio.ServicerContext
    ) -> pb.GetSyncResponse:
        row = await self.store.get_sync(_require(request.id, "id"))
        return pb.GetSyncResponse(sync=convert.sync_to_proto(row))

    async def ListSyncs(
        self, request: pb.ListSyncsRequest, context: grpc.aio.ServicerContext
    ) -> pb.ListSyncsResponse:
        size = page_size(request.page_size)
        cursor = decode_time_key("syncs", request.page_token)
        rows = await self.store.list_syncs(request.registry_id or None, cursor, size + 1)
        token = ""
        if len(rows) > size:
            token = encode_time_key("syncs", rows[size - 1].created_at, rows[size - 1].id)
        return pb.ListSyncsResponse(
            syncs=[convert.sync_to_proto(r) for r in rows[:size]], next_page_token=token
        )

    async def WatchSync(
        self, request: pb.WatchSyncRequest, context: grpc.aio.ServicerContext
    ) -> AsyncIterator[pb.WatchSyncResponse]:
        sync_id = _require(request.id, "id")
        interval_s = watch_interval(request.interval_ms)

        async def read() -> pb.Sync:
            return convert.sync_to_proto(await self.store.get_sync(sync_id))

        async for sync in poll_changes(read, lambda s: s.state in TERMINAL_SYNC_STATES, interval_s):
            yield pb.WatchSyncResponse(sync=sync)

    async def CancelSync(
        self, request: pb.CancelSyncRequest, context: grpc.aio.ServicerContext
    ) -> pb.CancelSyncResponse:
        row = await self.syncs.cancel(_require(request.id, "id"))
        return pb.CancelSyncResponse(sync=convert.sync_to_proto(row))

    # -- inventory -------------------------------------------------------------------

    async def ListRepositories(
        self, request: pb.ListRepositoriesRequest, context: grpc.aio.ServicerContext
    ) -> pb.ListRepositoriesResponse:
        registry_id = _require(request.registry_id, "registry_id")
        size = page_size(request.page_size)
        after = decode_token("repositories", request.page_token)
        rows = await self.store.list_repositories(
            registry_id,
            request.name_prefix,
            request.include_removed,
            str(after[0]) if after else None,
            size + 1,
        )
        if not rows and not await self.store.registry_exists(registry_id):
            raise NotFound(f"registry {registry_id!r} not found")
        token = encode_token("repositories", [rows[size - 1][0]]) if len(rows) > size else ""
        repositories = []
        for name, tag_count, first_seen, last_seen, removed_at in rows[:size]:
            repository = pb.Repository(
                registry_id=registry_id, name=name, tag_count=tag_count, removed=bool(removed_at)
            )
            repository.first_seen_time.FromDatetime(first_seen)
            repository.last_seen_time.FromDatetime(last_seen)
            repositories.append(repository)
        return pb.ListRepositoriesResponse(repositories=repositories, next_page_token=token)

    async def ListImages(
        self, request: pb.ListImagesRequest, context: grpc.aio.ServicerContext
    ) -> pb.ListImagesResponse:
        registry_id = _require(request.registry_id, "registry_id")
        if request.digest and not is_digest(request.digest):
            raise InvalidArgument.field("digest", "must be sha256:<64 hex> or sha512:<128 hex>")
        size = page_size(request.page_size)
        after = decode_token("images", request.page_token)
        if after is not None and (len(after) != 2 or not all(isinstance(a, str) for a in after)):
            raise InvalidArgument.field("page_token", "is not a token this API issued")
        rows = await self.store.list_images(
            registry_id,
            repository=request.repository,
            repository_prefix=request.repository_prefix,
            tag_contains=request.tag_contains,
            digest=request.digest,
            created_after=convert.from_timestamp(
                request.created_after, request.HasField("created_after")
            ),
            created_before=convert.from_timestamp(
                request.created_before, request.HasField("created_before")
            ),
            include_removed=request.include_removed,
            after=(after[0], after[1]) if after else None,
            limit=size + 1,
        )
        if not rows and not await self.store.registry_exists(registry_id):
            raise NotFound(f"registry {registry_id!r} not found")
        token = ""
        if len(rows) > size:
            token = encode_token("images", [rows[size - 1].repository, rows[size - 1].tag])
        return pb.ListImagesResponse(
            images=[convert.image_to_proto(r) for r in rows[:size]], next_page_token=token
        )

    async def StreamImages(
        self, request: pb.StreamImagesRequest, context: grpc.aio.ServicerContext
    ) -> AsyncIterator[pb.StreamImagesResponse]:
        registry_id = _require(request.registry_id, "registry_id")
        batch_size = request.batch_size or 1000
        if not 1 <= batch_size <= 5000:
            raise InvalidArgument.field("batch_size", "must be 1-5000")
        if not await self.store.registry_exists(registry_id):
            raise NotFound(f"registry {registry_id!r} not found")
        async for batch in self.store.stream_images(
            registry_id, request.include_removed, batch_size
        ):
            yield pb.StreamImagesResponse(images=[convert.image_to_proto(r) for r in batch])

    async def GetImage(
        self, request: pb.GetImageRequest, context: grpc.aio.ServicerContext
    ) -> pb.GetImageResponse:
        registry_id = _require(request.registry_id, "registry_id")
        if request.digest:
            if not is_digest(request.digest):
                raise InvalidArgument.field("digest", "must be sha256:<64 hex> or sha512:<128 hex>")
            rows = await self.store.images_by_digest(
                registry_id, request.digest, request.repository
            )
            if not rows:
                raise NotFound(f"no image with digest {request.digest} in registry {registry_id}")
        else:
            if not request.repository or not request.tag:
                raise InvalidArgument(
                    violations=[("repository", "repository and tag, or digest, are required")]
                )
            row = await self.store.get_image(registry_id, request.repository, request.tag)
            if row is None:
                raise NotFound(f"image {request.repository}:{request.tag} not found")
            rows = [row, *await self.store.images_by_digest(registry_id, row.digest)]
        references = [
            pb.ImageRef(repository=r.repository, tag=r.tag)
            for r in rows[1:]
            if r.removed_at is None
        ]
        if rows[0].removed_at is None:
            references.insert(0, pb.ImageRef(repository=rows[0].repository, tag=rows[0].tag))
        unique = list({(r.repository, r.tag): r for r in references}.values())
        return pb.GetImageResponse(image=convert.image_to_proto(rows[0]), references=unique)

    async def ResolveImage(
        self, request: pb.ResolveImageRequest, context: grpc.aio.ServicerContext
    ) -> pb.ResolveImageResponse:
        row = await self.registries.resolve_image(
            _require(request.registry_id, "registry_id"),
            request.repository,
            request.tag,
            request.digest,
        )
        return pb.ResolveImageResponse(image=convert.image_to_proto(row))

    async def RemoveImage(
        self, request: pb.RemoveImageRequest, context: grpc.aio.ServicerContext
    ) -> pb.RemoveImageResponse:
        removed = await self.registries.remove_image(
            _require(request.registry_id, "registry_id"),
            request.repository,
            request.tag,
            request.digest,
        )
        return pb.RemoveImageResponse(removed=removed)


class RegistryAccessServicer(catalog_pb2_grpc.RegistryAccessServiceServicer):
    def __init__(self, registries: Registries, internal_token: str) -> None:
        self.registries = registries
        self.internal_token = internal_token

    async def GetRegistryAccess(
        self, request: pb.GetRegistryAccessRequest, context: grpc.aio.ServicerContext
    ) -> pb.GetRegistryAccessResponse:
        if self.internal_token:
            metadata = dict(context.invocation_metadata() or ())
            presented = str(metadata.get("authorization", ""))
            expected = f"Bearer {self.internal_token}"
            if not hmac.compare_digest(presented.encode(), expected.encode()):
                raise Unauthenticated("RegistryAccessService requires the internal service token")
        access = await self.registries.access(_require(request.registry_id, "registry_id"))
        return pb.GetRegistryAccessResponse(
            registry=convert.registry_to_proto(access.registry),
            credentials=pb.Credentials(
                username=access.credentials.username,
                password=access.credentials.password,
                token=access.credentials.token,
            ),
            webhook_secret=access.webhook_secret,
        )
