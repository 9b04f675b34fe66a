"""Rules gRPC servicer: protobuf in, domain calls, protobuf out."""

from __future__ import annotations

import asyncio
import contextlib
import hashlib
from collections.abc import AsyncIterator, Callable, Sequence
from datetime import UTC, datetime

import grpc
from google.protobuf import field_mask_pb2
from google.protobuf.timestamp_pb2 import Timestamp

from regsieve.v1 import catalog_pb2, rules_pb2_grpc
from regsieve.v1 import rules_pb2 as pb
from services.common.errors import Aborted, FailedPrecondition, InvalidArgument, NotFound
from services.common.pagination import decode_token, encode_token, page_size
from services.rules import convert
from services.rules.batching import repository_batches
from services.rules.catalog_client import CatalogClient, RegistryNotFound
from services.rules.domain import (
    Action,
    Decision,
    ImageFacts,
    InvalidRuleSetError,
    RuleSet,
    validate_rule_set,
)
from services.rules.evaluate import CompiledRuleSet, compile_rule_set
from services.rules.preview import SummaryBuilder
from services.rules.ref_filter import compile_ref_filter
from services.rules.registry_guard import RegistryGuard
from services.rules.store import RevisionConflict, RulesStore, StoredRuleSet
from services.rules.stream import RepositoryChunker

MAX_IMAGES = 10_000
MAX_CONTEXT_IMAGES = 100_000
DEFAULT_STREAM_BATCH = 1_000
MAX_STREAM_BATCH = 5_000
EVALUATION_CHUNK = 5_000  # images evaluated at once (whole repositories; more for a big one)
CONTEXT_CONCURRENCY = 8  # repositories read from the Catalog at once for catalog_context
UPDATE_ATTEMPTS = 5
_OUTPUT_ONLY = ("id", "revision", "create_time", "update_time")


def _require(value: str, field: str) -> str:
    if not value.strip():
        raise InvalidArgument.field(field, "is required")
    return value.strip()


def _evaluate_time(stamp: Timestamp, present: bool, clock: Callable[[], datetime]) -> datetime:
    if not present:
        return clock()
    try:
        return convert.from_timestamp(stamp)
    except (ValueError, OverflowError):
        raise InvalidArgument.field("evaluate_time", "is not a valid time") from None


def _check(rule_set: RuleSet, problems: Sequence[tuple[str, str]]) -> None:
    """Raises InvalidArgument naming every bad field (`rule_set.never_pull[2]`)."""
    found = list(problems) + [(v.field, v.description) for v in validate_rule_set(rule_set)]
    if found:
        raise convert.invalid(found, prefix="rule_set")


def _compiled(rule_set: RuleSet) -> CompiledRuleSet:
    try:
        return compile_rule_set(rule_set)
    except InvalidRuleSetError as error:  # stored under an older, laxer grammar
        raise FailedPrecondition(
            f"rule set {rule_set.id} revision {rule_set.revision} is no longer valid: {error};"
            " update it"
        ) from None


def _mask_paths(mask: field_mask_pb2.FieldMask) -> list[str]:
    bad = [
        path
        for path in mask.paths
        if path.split(".")[0] not in (*convert.WRITABLE_FIELDS, "registry_id")
    ]
    if bad:
        raise InvalidArgument(
            violations=[("update_mask", f"{path!r} is not a writable field") for path in bad]
        )
    if not mask.IsValidForDescriptor(pb.RuleSet.DESCRIPTOR):
        raise InvalidArgument.field("update_mask", "names a field RuleSet does not have")
    return [path for path in mask.paths if path != "registry_id"]


def _merge(current: pb.RuleSet, update: pb.RuleSet, paths: list[str]) -> pb.RuleSet:
    """`current` with the masked fields of `update`; no mask = every writable field
    (`enabled` only when set: unset keeps the current value)."""
    if not paths:
        paths = [f for f in convert.WRITABLE_FIELDS if f != "enabled" or update.HasField("enabled")]
    merged = pb.RuleSet()
    merged.CopyFrom(current)
    field_mask_pb2.FieldMask(paths=paths).MergeMessage(
        update, merged, replace_message_field=True, replace_repeated_field=True
    )
    return merged


def _fingerprint(rule_set: RuleSet) -> str:
    """Identifies a draft across preview pages (the repr of a frozen dataclass is stable)."""
    return hashlib.sha256(repr(rule_set).encode()).hexdigest()[:32]


def _present_at(moment: Timestamp) -> Callable[[catalog_pb2.Image], bool]:
    """Whether an inventory entry existed at `moment`: seen by then, not removed by then."""
    at = (moment.seconds, moment.nanos)

    def present(image: catalog_pb2.Image) -> bool:
        seen = image.first_seen_time
        if (seen.seconds, seen.nanos) > at:
            return False
        if image.removed:
            gone = image.remove_time
            return (gone.seconds, gone.nanos) > at
        return True

    return present


class RulesServicer(rules_pb2_grpc.RulesServiceServicer):
    def __init__(
        self,
        store: RulesStore,
        catalog: CatalogClient,
        guard: RegistryGuard,
        clock: Callable[[], datetime] = lambda: datetime.now(UTC),
    ) -> None:
        self.store = store
        self.catalog = catalog
        self.guard = guard
        self.clock = clock

    # -- shared steps ----------------------------------------------------------------

    async def _load(self, rule_set_id: str, revision: int, field: str) -> StoredRuleSet:
        """A stored rule set whose registry the Catalog still has (else it is deleted)."""
        rule_set_id = _require(rule_set_id, field)
        if revision < 0:
            raise InvalidArgument.field("revision", "must not be negative")
        stored = await self.store.get(rule_set_id, revision)
        registry_id = stored.rule_set.registry_id
        if await self.guard.gone(registry_id):
            raise NotFound(
                f"rule set {rule_set_id!r} not found: its registry {registry_id} was deleted"
            )
        return stored

    async def _registry_gone(self, error: RegistryNotFound) -> NotFound:
        await self.guard.forget(error.registry_id)
        return NotFound(
            f"registry {error.registry_id!r} not found (rule sets of a deleted registry are"
            " deleted with it)",
            reason="REGISTRY_NOT_FOUND",
        )

    async def _inventory(
        self,
        registry_id: str,
        *,
        include_removed: bool = False,
        keep: Callable[[catalog_pb2.Image], bool] | None = None,
    ) -> AsyncIterator[list[ImageFacts]]:
        """The registry's inventory from the Catalog in chunks of whole repositories."""
        chunker = RepositoryChunker(min_chunk=EVALUATION_CHUNK)
        to_facts = convert.image_from_catalog
        batches = self.catalog.stream_images(registry_id, include_removed=include_removed)
        try:
            async with contextlib.aclosing(batches):
                async for batch in batches:
                    if keep is None:
                        facts = [to_facts(image) for image in batch]
                    else:
                        facts = [to_facts(image) for image in batch if keep(image)]
                    chunk = chunker.push(facts)
                    if chunk:
                        yield chunk
        except RegistryNotFound as error:
            raise await self._registry_gone(error) from None
        rest = chunker.finish()
        if rest:
            yield rest

    async def _catalog_context(self, registry_id: str, repositories: set[str]) -> list[ImageFacts]:
        """The Catalog's current tags of `repositories`, for latest-N."""
        limit = asyncio.Semaphore(CONTEXT_CONCURRENCY)

        async def read(repository: str) -> list[catalog_pb2.Image]:
            async with limit:
                return await self.catalog.repository_images(registry_id, repository)

        try:
            found = await asyncio.gather(*(read(r) for r in sorted(repositories)))
        except RegistryNotFound as error:
            raise await self._registry_gone(error) from None
        return [convert.image_from_catalog(image) for images in found for image in images]

    async def _context(
        self,
        rule_set: RuleSet,
        given: Sequence[pb.ImageFacts],
        from_catalog: bool,
        repositories: set[str],
    ) -> list[ImageFacts]:
        if len(given) > MAX_CONTEXT_IMAGES:
            raise InvalidArgument.field("context_images", f"at most {MAX_CONTEXT_IMAGES} images")
        context = convert.images_from_proto(given, "context_images")
        if from_catalog and rule_set.latest_n is not None:
            known = {(image.repository, image.tag) for image in context}
            for image in await self._catalog_context(rule_set.registry_id, repositories):
                if (image.repository, image.tag) not in known:
                    context.append(image)
        return context

    # -- CRUD ------------------------------------------------------------------------

    async def CreateRuleSet(
        self, request: pb.CreateRuleSetRequest, context: grpc.aio.ServicerContext
    ) -> pb.CreateRuleSetResponse:
        if not request.HasField("rule_set"):
            raise InvalidArgument.field("rule_set", "is required")
        draft, problems = convert.rule_set_from_proto(request.rule_set)
        _check(draft, problems)
        try:
            await self.guard.require(draft.registry_id)
        except RegistryNotFound:
            raise NotFound(
                f"registry {draft.registry_id!r} not found in the Catalog",
                reason="REGISTRY_NOT_FOUND",
            ) from None
        stored = await self.store.create(draft)
        return pb.CreateRuleSetResponse(rule_set=convert.rule_set_to_proto(stored))

    async def GetRuleSet(
        self, request: pb.GetRuleSetRequest, context: grpc.aio.ServicerContext
    ) -> pb.GetRuleSetResponse:
        stored = await self._load(request.id, request.revision, "id")
        return pb.GetRuleSetResponse(rule_set=convert.rule_set_to_proto(stored))

    async def ListRuleSets(
        self, request: pb.ListRuleSetsRequest, context: grpc.aio.ServicerContext
    ) -> pb.ListRuleSetsResponse:
        size = page_size(request.page_size)
        after = decode_token("rule_sets", request.page_token)
        if after is not None and (len(after) != 2 or not all(isinstance(a, str) for a in after)):
            raise InvalidArgument.field("page_token", "is not a token this API issued")
        registry_id = request.registry_id.strip() or None
        while True:
            rows = await self.store.list_rule_sets(
                registry_id, (after[0], after[1]) if after else None, size + 1
            )
            registries = sorted({row.rule_set.registry_id for row in rows})
            gone = await asyncio.gather(*(self.guard.gone(r) for r in registries))
            if not any(gone):  # else their rule sets were just deleted: read the page again
                break
        token = ""
        if len(rows) > size:
            last = rows[size - 1].rule_set
            token = encode_token("rule_sets", [last.registry_id, last.name])
        return pb.ListRuleSetsResponse(
            rule_sets=[convert.rule_set_to_proto(row) for row in rows[:size]],
            next_page_token=token,
        )

    async def UpdateRuleSet(
        self, request: pb.UpdateRuleSetRequest, context: grpc.aio.ServicerContext
    ) -> pb.UpdateRuleSetResponse:
        if not request.HasField("rule_set"):
            raise InvalidArgument.field("rule_set", "is required")
        if request.expected_revision < 0:
            raise InvalidArgument.field("expected_revision", "must not be negative")
        rule_set_id = _require(request.rule_set.id, "rule_set.id")
        paths = _mask_paths(request.update_mask)
        for _ in range(UPDATE_ATTEMPTS):
            current = await self._load(rule_set_id, 0, "rule_set.id")
            base = current.rule_set
            if request.expected_revision and request.expected_revision != base.revision:
                raise RevisionConflict(rule_set_id, request.expected_revision, base.revision)
            wanted_registry = request.rule_set.registry_id.strip()
            if wanted_registry and wanted_registry != base.registry_id:
                raise InvalidArgument.field("rule_set.registry_id", "cannot change")
            merged_message = _merge(convert.draft_to_proto(base), request.rule_set, paths)
            merged, problems = convert.rule_set_from_proto(
                merged_message, rule_set_id=base.id, revision=base.revision
            )
            _check(merged, problems)
            if merged == base:
                return pb.UpdateRuleSetResponse(rule_set=convert.rule_set_to_proto(current))
            try:
                stored = await self.store.save_revision(merged, base.revision)
            except RevisionConflict:
                if request.expected_revision:
                    raise
                continue  # someone else updated it: merge onto their revision
            return pb.UpdateRuleSetResponse(rule_set=convert.rule_set_to_proto(stored))
        raise Aborted(f"rule set {rule_set_id} kept changing during the update; retry")

    async def DeleteRuleSet(
        self, request: pb.DeleteRuleSetRequest, context: grpc.aio.ServicerContext
    ) -> pb.DeleteRuleSetResponse:
        await self.store.delete(_require(request.id, "id"))
        return pb.DeleteRuleSetResponse()

    async def ListRuleSetRevisions(
        self, request: pb.ListRuleSetRevisionsRequest, context: grpc.aio.ServicerContext
    ) -> pb.ListRuleSetRevisionsResponse:
        stored = await self._load(request.id, 0, "id")
        rule_set_id = stored.rule_set.id
        size = page_size(request.page_size)
        after = decode_token("rule_set_revisions", request.page_token)
        if after is not None and (
            len(after) != 2
            or after[0] != rule_set_id
            or not isinstance(after[1], int)
            or isinstance(after[1], bool)
        ):
            raise InvalidArgument.field("page_token", "is not a token of this rule set's listing")
        rows = await self.store.list_revisions(rule_set_id, after[1] if after else None, size + 1)
        token = ""
        if len(rows) > size:
            token = encode_token(
                "rule_set_revisions", [rule_set_id, rows[size - 1].rule_set.revision]
            )
        return pb.ListRuleSetRevisionsResponse(
            revisions=[convert.rule_set_to_proto(row) for row in rows[:size]],
            next_page_token=token,
        )

    # -- evaluation ------------------------------------------------------------------

    async def EvaluateImages(
        self, request: pb.EvaluateImagesRequest, context: grpc.aio.ServicerContext
    ) -> pb.EvaluateImagesResponse:
        stored = await self._load(request.rule_set_id, request.revision, "rule_set_id")
        rule_set = stored.rule_set
        if not request.images:
            raise InvalidArgument.field("images", "at least one image is required")
        if len(request.images) > MAX_IMAGES:
            raise InvalidArgument.field("images", f"at most {MAX_IMAGES} images a call")
        images = convert.images_from_proto(request.images, "images")
        now = _evaluate_time(request.evaluate_time, request.HasField("evaluate_time"), self.clock)
        compiled = _compiled(rule_set)
        context_images = await self._context(
            rule_set,
            request.context_images,
            request.catalog_context,
            {image.repository for image in images},
        )
        decisions = compiled.evaluate(images, now, context_images=context_images)
        return pb.EvaluateImagesResponse(
            decisions=[
                convert.decision_to_proto(decision, image)
                for image, decision in zip(images, decisions, strict=True)
            ],
            rule_set_id=rule_set.id,
            rule_set_revision=rule_set.revision,
            evaluate_time=convert.timestamp(now),
        )

    async def EvaluateRegistry(
        self, request: pb.EvaluateRegistryRequest, context: grpc.aio.ServicerContext
    ) -> AsyncIterator[pb.EvaluateRegistryResponse]:
        stored = await self._load(request.rule_set_id, request.revision, "rule_set_id")
        rule_set = stored.rule_set
        batch_size = request.batch_size or DEFAULT_STREAM_BATCH
        if not 1 <= batch_size <= MAX_STREAM_BATCH:
            raise InvalidArgument.field("batch_size", f"must be 1-{MAX_STREAM_BATCH}")
        now = _evaluate_time(request.evaluate_time, request.HasField("evaluate_time"), self.clock)
        compiled = _compiled(rule_set)
        summary = SummaryBuilder()
        encoder = convert.DecisionEncoder()
        async for chunk in self._inventory(rule_set.registry_id):
            decisions = compiled.evaluate(chunk, now)
            summary.add(chunk, decisions)
            pairs: Sequence[tuple[ImageFacts, Decision]] = list(zip(chunk, decisions, strict=True))
            if request.only_pulled:
                pairs = [pair for pair in pairs if pair[1].action is Action.PULL]
            for span in repository_batches([image.repository for image, _ in pairs], batch_size):
                message = pb.EvaluateRegistryResponse()
                for index in span:
                    encoder.add(message.decisions, *pairs[index])
                yield message
        yield pb.EvaluateRegistryResponse(
            summary=convert.summary_to_proto(summary.summary(), rule_set, now)
        )

    async def PreviewRuleSet(
        self, request: pb.PreviewRuleSetRequest, context: grpc.aio.ServicerContext
    ) -> pb.PreviewRuleSetResponse:
        if not request.HasField("rule_set"):
            raise InvalidArgument.field("rule_set", "is required")
        draft, problems = convert.rule_set_from_proto(request.rule_set)
        _check(draft, problems)
        size = page_size(request.page_size)
        fingerprint = _fingerprint(draft)
        snapshot, now, offset = self._preview_position(request, fingerprint)
        compiled = _compiled(draft)
        summary = SummaryBuilder()
        pulled: list[tuple[ImageFacts, Decision]] = []
        seen_pulled = 0
        # The inventory as of the first page: later tags left out, tags removed since kept.
        async for chunk in self._inventory(
            draft.registry_id, include_removed=True, keep=_present_at(snapshot)
        ):
            decisions = compiled.evaluate(chunk, now)
            summary.add(chunk, decisions)
            for image, decision in zip(chunk, decisions, strict=True):
                if decision.action is Action.PULL:
                    if offset <= seen_pulled <= offset + size:
                        pulled.append((image, decision))
                    seen_pulled += 1
        token = ""
        if len(pulled) > size:
            token = encode_token(
                "rule_set_preview",
                [
                    snapshot.ToJsonString(),
                    convert.timestamp(now).ToJsonString(),
                    fingerprint,
                    offset + size,
                ],
            )
        reply = pb.PreviewRuleSetResponse(
            summary=convert.summary_to_proto(summary.summary(), draft, now),
            next_page_token=token,
        )
        encoder = convert.DecisionEncoder()
        for image, decision in pulled[:size]:
            encoder.add(reply.pulled_images, image, decision)
        return reply

    def _preview_position(
        self, request: pb.PreviewRuleSetRequest, fingerprint: str
    ) -> tuple[Timestamp, datetime, int]:
        """(inventory snapshot, evaluation time, offset in the pulled list) of this page."""
        after = decode_token("rule_set_preview", request.page_token)
        if after is None:
            now = _evaluate_time(
                request.evaluate_time, request.HasField("evaluate_time"), self.clock
            )
            return convert.timestamp(self.clock()), now, 0
        bad = InvalidArgument.field("page_token", "is not a token this API issued")
        if len(after) != 4 or not all(isinstance(part, str) for part in after[:3]):
            raise bad
        if not isinstance(after[3], int) or isinstance(after[3], bool) or after[3] < 0:
            raise bad
        snapshot, pinned = Timestamp(), Timestamp()
        try:
            snapshot.FromJsonString(after[0])
            pinned.FromJsonString(after[1])
        except ValueError:
            raise bad from None
        if after[2] != fingerprint:
            raise InvalidArgument.field(
                "page_token", "was issued for a different draft; send the same rule_set"
            )
        if request.HasField("evaluate_time") and request.evaluate_time != pinned:
            raise InvalidArgument.field(
                "evaluate_time", "differs from the evaluation time the page token pins"
            )
        return snapshot, convert.from_timestamp(pinned), after[3]

    async def ExplainDecision(
        self, request: pb.ExplainDecisionRequest, context: grpc.aio.ServicerContext
    ) -> pb.ExplainDecisionResponse:
        stored = await self._load(request.rule_set_id, request.revision, "rule_set_id")
        rule_set = stored.rule_set
        subject = request.WhichOneof("subject")
        if subject == "image":
            image = convert.images_from_proto([request.image], "image")[0]
        elif subject == "inventory_image":
            image = await self._inventory_image(rule_set.registry_id, request.inventory_image)
        else:
            raise InvalidArgument.field("image", "give an image or an inventory_image")
        now = _evaluate_time(request.evaluate_time, request.HasField("evaluate_time"), self.clock)
        compiled = _compiled(rule_set)
        context_images = await self._context(
            rule_set, request.context_images, request.catalog_context, {image.repository}
        )
        explanation = compiled.explain(image, now, context_images=context_images)
        return convert.explanation_to_proto(explanation, now)

    async def _inventory_image(self, registry_id: str, ref: catalog_pb2.ImageRef) -> ImageFacts:
        repository = _require(ref.repository, "inventory_image.repository")
        tag = _require(ref.tag, "inventory_image.tag")
        found = await self.catalog.get_image(registry_id, repository, tag)
        if found is None:
            if not await self.catalog.registry_exists(registry_id):
                raise await self._registry_gone(RegistryNotFound(registry_id))
            raise NotFound(f"image {repository}:{tag} not found in registry {registry_id}")
        return convert.image_from_catalog(found)

    async def GetRefFilter(
        self, request: pb.GetRefFilterRequest, context: grpc.aio.ServicerContext
    ) -> pb.GetRefFilterResponse:
        stored = await self._load(request.rule_set_id, request.revision, "rule_set_id")
        try:
            ref_filter = compile_ref_filter(stored.rule_set)
        except InvalidRuleSetError:
            _compiled(stored.rule_set)  # raises the FailedPrecondition
            raise
        return convert.ref_filter_to_proto(ref_filter, stored.rule_set)
