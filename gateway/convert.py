"""Normalised events to `regsieve.v1.RegistryEvent` messages and their NATS subjects."""

from __future__ import annotations

from datetime import datetime

from gateway.events import Action, NormalisedEvent, event_key
from gateway.publisher import Outgoing
from regsieve.v1 import events_pb2
from services.common.messaging import EVENT_IMAGE_DELETED, EVENT_IMAGE_PUSHED

_ACTIONS = {
    Action.PUSHED: (events_pb2.REGISTRY_EVENT_ACTION_PUSHED, EVENT_IMAGE_PUSHED),
    Action.DELETED: (events_pb2.REGISTRY_EVENT_ACTION_DELETED, EVENT_IMAGE_DELETED),
}


def to_outgoing(
    registry_id: str, registry_type: str, event: NormalisedEvent, received: datetime
) -> Outgoing:
    """The RegistryEvent for `event`, its subject, and `event_key` as id and Nats-Msg-Id."""
    action, subject = _ACTIONS[event.action]
    key = event_key(registry_id, event)
    message = events_pb2.RegistryEvent(
        id=key,
        registry_id=registry_id,
        action=action,
        repository=event.repository,
        tag=event.tag or "",
        digest=event.digest or "",
        media_type=event.media_type or "",
        sender_event_id=event.sender_event_id or "",
        registry_type=registry_type,
    )
    if event.time is not None:
        message.event_time.FromDatetime(event.time)
    message.receive_time.FromDatetime(received)
    return Outgoing(subject, message, key)
