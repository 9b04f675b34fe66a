"""Rule sets go with their registry: Rules learns it from the Catalog, never from its schema."""

from __future__ import annotations

from dataclasses import replace

import grpc

from regsieve.v1 import catalog_pb2, rules_pb2_grpc
from regsieve.v1 import rules_pb2 as pb
from services.common.embedded import free_port
from services.rules.registry_guard import RegistryGuard
from services.rules.service import RulesService
from tests.integration.rules.helpers import RulesHandle, fails
from tests.support.servers import running

LOOPBACK = "http://127.0.0.1:5000"


async def test_reads_of_a_deleted_registry_delete_its_rule_sets(rules: RulesHandle) -> None:
    doomed = await rules.catalog.create_registry("doomed", LOOPBACK)
    kept = await rules.catalog.create_registry("kept", LOOPBACK)
    first = await rules.create(doomed.id, "a")
    second = await rules.create(doomed.id, "b")
    survivor = await rules.create(kept.id, "c")

    await rules.catalog.stub.DeleteRegistry(catalog_pb2.DeleteRegistryRequest(id=doomed.id))

    error = await fails(
        rules.stub.GetRuleSet(pb.GetRuleSetRequest(id=first.id)), grpc.StatusCode.NOT_FOUND
    )
    assert "was deleted" in (error.details() or "")
    assert rules.service.store is not None
    # the read deleted both rule sets of the registry, not only the one asked for
    assert not await rules.service.store.exists(second.id)
    listed = await rules.stub.ListRuleSets(pb.ListRuleSetsRequest())
    assert [r.id for r in listed.rule_sets] == [survivor.id]
    await fails(
        rules.stub.EvaluateRegistry(pb.EvaluateRegistryRequest(rule_set_id=second.id)).read(),
        grpc.StatusCode.NOT_FOUND,
    )
    await fails(
        rules.stub.CreateRuleSet(
            pb.CreateRuleSetRequest(rule_set=pb.RuleSet(registry_id=doomed.id, name="late"))
        ),
        grpc.StatusCode.NOT_FOUND,
    )


async def test_listing_drops_rule_sets_of_deleted_registries(rules: RulesHandle) -> None:
    doomed = await rules.catalog.create_registry("doomed", LOOPBACK)
    kept = await rules.catalog.create_registry("kept", LOOPBACK)
    for name in ("a", "b", "c"):
        await rules.create(doomed.id, name)
    kept_ids = [(await rules.create(kept.id, name)).id for name in ("d", "e")]
    await rules.catalog.stub.DeleteRegistry(catalog_pb2.DeleteRegistryRequest(id=doomed.id))

    listed = await rules.stub.ListRuleSets(pb.ListRuleSetsRequest(page_size=2))
    ids = [r.id for r in listed.rule_sets]
    assert ids == kept_ids and listed.next_page_token == ""


async def test_the_reconciliation_pass_deletes_unread_rule_sets(rules: RulesHandle) -> None:
    doomed = await rules.catalog.create_registry("doomed", LOOPBACK)
    kept = await rules.catalog.create_registry("kept", LOOPBACK)
    orphan = await rules.create(doomed.id, "a")
    survivor = await rules.create(kept.id, "b")
    await rules.catalog.stub.DeleteRegistry(catalog_pb2.DeleteRegistryRequest(id=doomed.id))

    assert rules.service.guard is not None and rules.service.store is not None
    assert await rules.service.guard.reconcile() == 1
    assert not await rules.service.store.exists(orphan.id)
    assert await rules.service.store.exists(survivor.id)
    assert await rules.service.store.registry_ids() == [kept.id]


async def test_confirmations_are_cached(rules: RulesHandle) -> None:
    """With a cache period, a confirmed registry is not asked about again until it ends."""
    registry = await rules.catalog.create_registry("r", LOOPBACK)
    created = await rules.create(registry.id, "a")
    assert rules.service.store is not None
    clock = [0.0]
    guard = RegistryGuard(rules.service.catalog, rules.service.store, 30, lambda: clock[0])
    assert not await guard.gone(registry.id)
    await rules.catalog.stub.DeleteRegistry(catalog_pb2.DeleteRegistryRequest(id=registry.id))
    clock[0] = 29
    assert not await guard.gone(registry.id)  # still trusted
    assert await rules.service.store.exists(created.id)
    clock[0] = 31
    assert await guard.gone(registry.id)
    assert not await rules.service.store.exists(created.id)


async def test_without_the_catalog_reads_go_on_and_creation_waits(rules: RulesHandle) -> None:
    registry = await rules.catalog.create_registry("r", LOOPBACK)
    created = await rules.create(registry.id, "a")
    config = rules.service.config
    unreachable = replace(
        config,
        common=replace(config.common, catalog_target=f"127.0.0.1:{free_port()}"),
        catalog_timeout_seconds=1,
    )
    async with running("rules", RulesService(unreachable), unreachable.common) as (_, channel):
        stub = rules_pb2_grpc.RulesServiceStub(channel)
        reply = await stub.GetRuleSet(pb.GetRuleSetRequest(id=created.id))
        assert reply.rule_set == created
        await fails(
            stub.CreateRuleSet(
                pb.CreateRuleSetRequest(rule_set=pb.RuleSet(registry_id=registry.id, name="b"))
            ),
            grpc.StatusCode.UNAVAILABLE,
        )
        await fails(
            stub.EvaluateRegistry(pb.EvaluateRegistryRequest(rule_set_id=created.id)).read(),
            grpc.StatusCode.UNAVAILABLE,
        )
