"""Rule set CRUD over gRPC: revisions, validation, NOT_FOUND, ABORTED, pagination."""

from __future__ import annotations

import grpc
from google.protobuf import field_mask_pb2

from regsieve.v1 import rules_pb2 as pb
from services.common.pagination import encode_token
from tests.integration.rules.helpers import UNKNOWN_ID, RulesHandle, fails, invalid

LOOPBACK = "http://127.0.0.1:5000"  # never contacted: rule sets only need the registry id


async def test_create_update_and_read_every_revision(rules: RulesHandle) -> None:
    registry = await rules.catalog.create_registry("local", LOOPBACK)
    created = await rules.create(
        registry.id,
        "prod",
        pull_patterns=["pre-prod", ":latest", "prod:stable"],
        never_pull=["unstable"],
        creation_window=pb.CreationWindow(amount=60, unit=pb.WINDOW_UNIT_DAYS),
    )
    assert created.revision == 1
    assert created.enabled  # unset on create = enabled
    assert created.id and created.create_time == created.update_time

    update = pb.RuleSet(id=created.id, always_pull=["critical"], enabled=False)
    second = (
        await rules.stub.UpdateRuleSet(
            pb.UpdateRuleSetRequest(
                rule_set=update,
                update_mask=field_mask_pb2.FieldMask(paths=["always_pull", "enabled"]),
                expected_revision=1,
            )
        )
    ).rule_set
    assert second.revision == 2
    assert list(second.always_pull) == ["critical"]
    assert not second.enabled
    assert list(second.pull_patterns) == ["pre-prod", ":latest", "prod:stable"]  # kept
    assert second.create_time == created.create_time
    assert second.update_time.ToDatetime() > created.update_time.ToDatetime()

    # the same values again make no revision
    again = (
        await rules.stub.UpdateRuleSet(
            pb.UpdateRuleSetRequest(
                rule_set=update,
                update_mask=field_mask_pb2.FieldMask(paths=["always_pull", "enabled"]),
            )
        )
    ).rule_set
    assert again.revision == 2

    # a full update (no mask) replaces every writable field; unset `enabled` keeps it
    third = (
        await rules.stub.UpdateRuleSet(
            pb.UpdateRuleSetRequest(
                rule_set=pb.RuleSet(
                    id=created.id,
                    name="prod-v2",
                    pull_patterns=["team/*"],
                    latest_n=pb.LatestN(count=5, order=pb.LATEST_ORDER_SEMVER),
                )
            )
        )
    ).rule_set
    assert third.revision == 3
    assert third.name == "prod-v2"
    assert list(third.never_pull) == [] and not third.HasField("creation_window")
    assert third.latest_n.count == 5 and third.latest_n.order == pb.LATEST_ORDER_SEMVER
    assert not third.enabled

    current = (await rules.stub.GetRuleSet(pb.GetRuleSetRequest(id=created.id))).rule_set
    assert current == third
    first = (await rules.stub.GetRuleSet(pb.GetRuleSetRequest(id=created.id, revision=1))).rule_set
    assert first == created

    pages: list[list[int]] = []
    token = ""
    while True:
        reply = await rules.stub.ListRuleSetRevisions(
            pb.ListRuleSetRevisionsRequest(id=created.id, page_size=2, page_token=token)
        )
        pages.append([r.revision for r in reply.revisions])
        token = reply.next_page_token
        if not token:
            break
    assert pages == [[3, 2], [1]]


async def test_expected_revision_mismatch_is_aborted(rules: RulesHandle) -> None:
    registry = await rules.catalog.create_registry("local", LOOPBACK)
    created = await rules.create(registry.id, "a")
    error = await fails(
        rules.stub.UpdateRuleSet(
            pb.UpdateRuleSetRequest(
                rule_set=pb.RuleSet(id=created.id, description="x"),
                update_mask=field_mask_pb2.FieldMask(paths=["description"]),
                expected_revision=7,
            )
        ),
        grpc.StatusCode.ABORTED,
    )
    assert "revision 1" in (error.details() or "")
    unchanged = (await rules.stub.GetRuleSet(pb.GetRuleSetRequest(id=created.id))).rule_set
    assert unchanged.revision == 1 and unchanged.description == ""


async def test_validation_names_every_bad_field(rules: RulesHandle) -> None:
    registry = await rules.catalog.create_registry("local", LOOPBACK)
    found = await invalid(
        rules.stub.CreateRuleSet(
            pb.CreateRuleSetRequest(
                rule_set=pb.RuleSet(
                    registry_id=registry.id,
                    name="",
                    pull_patterns=["ok", "Upper/Case"],
                    never_pull=["fine", ":pr-", ":"],
                    always_pull=["re:(a"],
                    creation_window=pb.CreationWindow(amount=5),
                    latest_n=pb.LatestN(count=0),
                    platforms=["linux"],
                )
            )
        )
    )
    assert set(found) == {
        "rule_set.name",
        "rule_set.pull_patterns[1]",
        "rule_set.never_pull[2]",
        "rule_set.always_pull[0]",
        "rule_set.creation_window.unit",
        "rule_set.latest_n.count",
        "rule_set.platforms[0]",
    }
    found = await invalid(
        rules.stub.CreateRuleSet(pb.CreateRuleSetRequest(rule_set=pb.RuleSet(name="x")))
    )
    assert set(found) == {"rule_set.registry_id"}
    assert "rule_set" in await invalid(rules.stub.CreateRuleSet(pb.CreateRuleSetRequest()))


async def test_unknown_ids_are_not_found(rules: RulesHandle) -> None:
    registry = await rules.catalog.create_registry("local", LOOPBACK)
    for rule_set_id in (UNKNOWN_ID, "not-a-uuid"):
        await fails(
            rules.stub.GetRuleSet(pb.GetRuleSetRequest(id=rule_set_id)), grpc.StatusCode.NOT_FOUND
        )
        await fails(
            rules.stub.DeleteRuleSet(pb.DeleteRuleSetRequest(id=rule_set_id)),
            grpc.StatusCode.NOT_FOUND,
        )
        await fails(
            rules.stub.EvaluateImages(
                pb.EvaluateImagesRequest(
                    rule_set_id=rule_set_id, images=[pb.ImageFacts(repository="a", tag="b")]
                )
            ),
            grpc.StatusCode.NOT_FOUND,
        )
    created = await rules.create(registry.id, "a")
    error = await fails(
        rules.stub.GetRuleSet(pb.GetRuleSetRequest(id=created.id, revision=2)),
        grpc.StatusCode.NOT_FOUND,
    )
    assert "revision 2" in (error.details() or "")
    await fails(
        rules.stub.CreateRuleSet(
            pb.CreateRuleSetRequest(rule_set=pb.RuleSet(registry_id=UNKNOWN_ID, name="x"))
        ),
        grpc.StatusCode.NOT_FOUND,
    )
    await rules.stub.DeleteRuleSet(pb.DeleteRuleSetRequest(id=created.id))
    await fails(
        rules.stub.GetRuleSet(pb.GetRuleSetRequest(id=created.id)), grpc.StatusCode.NOT_FOUND
    )
    await fails(
        rules.stub.ListRuleSetRevisions(pb.ListRuleSetRevisionsRequest(id=created.id)),
        grpc.StatusCode.NOT_FOUND,
    )


async def test_names_are_unique_within_a_registry(rules: RulesHandle) -> None:
    one = await rules.catalog.create_registry("one", LOOPBACK)
    two = await rules.catalog.create_registry("two", LOOPBACK)
    await rules.create(one.id, "prod")
    await rules.create(two.id, "prod")  # another registry: fine
    await fails(
        rules.stub.CreateRuleSet(
            pb.CreateRuleSetRequest(rule_set=pb.RuleSet(registry_id=one.id, name="prod"))
        ),
        grpc.StatusCode.ALREADY_EXISTS,
    )


async def test_update_refuses_what_cannot_change(rules: RulesHandle) -> None:
    one = await rules.catalog.create_registry("one", LOOPBACK)
    two = await rules.catalog.create_registry("two", LOOPBACK)
    created = await rules.create(one.id, "a")
    found = await invalid(
        rules.stub.UpdateRuleSet(
            pb.UpdateRuleSetRequest(rule_set=pb.RuleSet(id=created.id, registry_id=two.id))
        )
    )
    assert "rule_set.registry_id" in found
    found = await invalid(
        rules.stub.UpdateRuleSet(
            pb.UpdateRuleSetRequest(
                rule_set=pb.RuleSet(id=created.id),
                update_mask=field_mask_pb2.FieldMask(paths=["revision", "nonsense"]),
            )
        )
    )
    assert "update_mask" in found
    found = await invalid(
        rules.stub.UpdateRuleSet(
            pb.UpdateRuleSetRequest(
                rule_set=pb.RuleSet(id=created.id, never_pull=["ok", ""]),
                update_mask=field_mask_pb2.FieldMask(paths=["never_pull"]),
            )
        )
    )
    assert set(found) == {"rule_set.never_pull[1]"}


async def test_list_pages_chain_and_filter_by_registry(rules: RulesHandle) -> None:
    one = await rules.catalog.create_registry("one", LOOPBACK)
    two = await rules.catalog.create_registry("two", LOOPBACK)
    for name in ("e", "b", "d"):
        await rules.create(one.id, name)
    for name in ("a", "c"):
        await rules.create(two.id, name)

    seen: list[tuple[str, str]] = []
    token = ""
    pages = 0
    while True:
        reply = await rules.stub.ListRuleSets(pb.ListRuleSetsRequest(page_size=2, page_token=token))
        pages += 1
        assert len(reply.rule_sets) <= 2
        seen += [(r.registry_id, r.name) for r in reply.rule_sets]
        token = reply.next_page_token
        if not token:
            break
    assert pages == 3
    assert seen == sorted(
        (r, n)
        for r, n in [(one.id, "b"), (one.id, "d"), (one.id, "e"), (two.id, "a"), (two.id, "c")]
    )
    only_two = await rules.stub.ListRuleSets(pb.ListRuleSetsRequest(registry_id=two.id))
    assert [r.name for r in only_two.rule_sets] == ["a", "c"]
    assert only_two.next_page_token == ""


async def test_bad_page_tokens_and_sizes(rules: RulesHandle) -> None:
    registry = await rules.catalog.create_registry("local", LOOPBACK)
    one = await rules.create(registry.id, "one")
    other = await rules.create(registry.id, "other")
    for token in ("garbage!", encode_token("registries", ["x"]), encode_token("rule_sets", [1])):
        found = await invalid(rules.stub.ListRuleSets(pb.ListRuleSetsRequest(page_token=token)))
        assert "page_token" in found
    assert "page_size" in await invalid(
        rules.stub.ListRuleSets(pb.ListRuleSetsRequest(page_size=-1))
    )
    # a revisions token of one rule set is refused for another
    await rules.stub.UpdateRuleSet(
        pb.UpdateRuleSetRequest(rule_set=pb.RuleSet(id=one.id, name="one", description="2"))
    )
    page = await rules.stub.ListRuleSetRevisions(
        pb.ListRuleSetRevisionsRequest(id=one.id, page_size=1)
    )
    assert page.next_page_token
    found = await invalid(
        rules.stub.ListRuleSetRevisions(
            pb.ListRuleSetRevisionsRequest(id=other.id, page_token=page.next_page_token)
        )
    )
    assert "page_token" in found
