"""What an import changes: which records to upsert and which (ecosystem, package) keys to re-match.

Records are upserted by id when new or when their `modified` is later than the stored
one. A changed record changes the keys of its old and its new version (a package dropped
from a record loses findings, a withdrawn record loses all of them); only images whose
inventories hold one of those keys need re-matching.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import datetime

from services.scanner.vulndb.keys import Key, record_keys
from services.scanner.vulndb.osv import OsvRecord


@dataclass(frozen=True, slots=True)
class StoredRecord:
    """What the store needs to keep about a record to plan the next import."""

    modified: datetime
    keys: frozenset[Key]

    @classmethod
    def of(cls, record: OsvRecord) -> StoredRecord:
        return cls(modified=record.modified_at, keys=record_keys(record))


@dataclass(frozen=True, slots=True)
class ImportPlan:
    """The outcome of comparing incoming records with the stored ones."""

    upserts: tuple[OsvRecord, ...]  # new or newer records, one per id
    skipped: tuple[str, ...]  # ids whose stored copy is as new or newer
    changed_keys: frozenset[Key]


def _latest_per_id(records: Iterable[OsvRecord]) -> dict[str, OsvRecord]:
    latest: dict[str, OsvRecord] = {}
    for record in records:
        kept = latest.get(record.id)
        if kept is None or record.modified_at > kept.modified_at:
            latest[record.id] = record
    return latest


def plan_import(stored: Mapping[str, StoredRecord], incoming: Iterable[OsvRecord]) -> ImportPlan:
    """Upserts and changed keys for `incoming` given what is stored (by id).

    Only ids present in `incoming` are looked up in `stored`. The keys of an upserted
    record that existed are the union of its stored and new keys.
    """
    upserts: list[OsvRecord] = []
    skipped: list[str] = []
    changed: set[Key] = set()
    for record_id, record in _latest_per_id(incoming).items():
        before = stored.get(record_id)
        if before is not None and record.modified_at <= before.modified:
            skipped.append(record_id)
            continue
        upserts.append(record)
        changed |= record_keys(record)
        if before is not None:
            changed |= before.keys
    return ImportPlan(tuple(upserts), tuple(skipped), frozenset(changed))


def changed_keys(old: Iterable[OsvRecord], new: Iterable[OsvRecord]) -> frozenset[Key]:
    """Keys whose findings may differ after replacing `old` records by `new` ones.

    `old` holds the stored versions of (some of) the ids in `new`. A record whose
    content is unchanged (same `modified` or not, e.g. a re-import) changes nothing.
    """
    previous = {record.id: record for record in old}
    changed: set[Key] = set()
    for record in new:
        before = previous.get(record.id)
        if before is not None and before == record:
            continue
        changed |= record_keys(record)
        if before is not None:
            changed |= record_keys(before)
    return frozenset(changed)
