"""Webhooks, their subscriptions and delivery attempts, and the events that produce them.

The mock is offline: it sends nothing over the network. A delivery (``POST .../test``, or an
event a subscription matches) is recorded as an attempt the endpoint answered 200, and the
test answers as much. An ``HMAC_SHA256`` webhook gets a signing secret that only the create
answer shows (its schema has ``signing_secret``; later ones only ``signing_secret_hint``).
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from ..auth import Action
from ..call import Call, handles
from ..crud import space_for
from ..engine import KINDS, Behaviour, Placement
from ..models import Document, rfc3339
from ..problems import conflict, unprocessable

__all__ = ["Subscriptions", "Webhooks", "emit"]

JSON = dict[str, Any]
DEFAULT_TIMEOUT_MS = 10_000
DELIVERED = 200  # what every (recorded, never sent) delivery is taken to have answered
# The kind of resource each source type names (SPACE: a space), and the events it has.
SOURCES: Mapping[str, str] = {"PROMPT": "prompt", "EVALUATOR": "evaluator", "ONLINE_TASK": "task"}
EVENTS: Mapping[str, frozenset[str]] = {
    "PROMPT": frozenset(
        {"PROMPT_VERSION_CREATED", "PROMPT_VERSION_LABELED", "PROMPT_VERSION_UNLABELED"}
    ),
    "EVALUATOR": frozenset({"EVALUATOR_VERSION_CREATED"}),
    "ONLINE_TASK": frozenset({"ONLINE_TASK_RUN_FAILED"}),
}


class Webhooks(Behaviour):
    """Defaults (bearer auth, 10 s timeout, empty description) and the signing secret."""

    def prepare(self, call: Call, data: JSON, doc: Document | None, where: Placement) -> None:
        if data.get("description") is None:
            data["description"] = ""
        if doc is None:
            data.setdefault("auth_type", "BEARER")
            data.setdefault("timeout_ms", DEFAULT_TIMEOUT_MS)
            if data["auth_type"] == "HMAC_SHA256":
                secret = call.state.ids.token("whsec_")
                data["signing_secret"] = secret
                data["signing_secret_hint"] = secret[-4:]


class Subscriptions(Behaviour):
    """A source of the webhook's organization, an event it has, once per webhook."""

    def prepare(self, call: Call, data: JSON, doc: Document | None, where: Placement) -> None:
        webhook = call.state.store("webhook")[where.owners[0]]
        source_type, source_id = data["source_type"], str(data["source_id"])
        if source_type == "SPACE":
            space_id = space_for(call, source_id, Action.READ).id
        else:
            space_id = KINDS[SOURCES[source_type]].fetch(call, source_id).space_id
            if data["event"] not in EVENTS[source_type]:
                raise unprocessable(f"{source_type} sources do not have {data['event']} events")
        space = call.state.spaces.get(space_id)
        if space is None or space.org_id not in webhook.scope:
            raise unprocessable("the source is not in the webhook's organization")
        for other in call.state.store("webhook_subscription").values():
            same = (other.data[k] == data[k] for k in ("source_type", "source_id", "event"))
            if webhook.id in other.owners and all(same):
                raise conflict("the webhook already has this subscription")
        data["webhook_id"] = webhook.id


def _deliver(call: Call, webhook: Document, payload: JSON) -> Document:
    event_id = call.state.ids.uuid()
    return call.state.add_document(
        "webhook_delivery_attempt",
        {
            "event_id": event_id,
            "attempt_number": 1,
            "payload": payload,
            "status_code": DELIVERED,
            "error_message": None,
        },
        doc_id=event_id,
        scope=webhook.scope,
        owners=(webhook.id,),
    )


def emit(call: Call, source_type: str, source: Document, event: str, payload: JSON) -> None:
    """Record a delivery to every webhook subscribed to ``event`` of ``source`` or its space."""
    sources = {(source_type, source.id), ("SPACE", source.space_id)}
    webhooks = call.state.store("webhook")
    for subscription in list(call.state.store("webhook_subscription").values()):
        data = subscription.data
        if data["event"] == event and (data["source_type"], data["source_id"]) in sources:
            webhook = webhooks.get(data["webhook_id"])
            if webhook is not None:
                body = {"event": event, "occurred_at": rfc3339(call.state.now()), **payload}
                _deliver(call, webhook, body)


@handles("testWebhook")
def test_webhook(call: Call) -> Any:
    webhook = KINDS["webhook"].get(call, Action.MANAGE)
    _deliver(call, webhook, {"event": "TEST", "webhook_id": webhook.id})
    return {"status_code": DELIVERED, "error_message": None}
