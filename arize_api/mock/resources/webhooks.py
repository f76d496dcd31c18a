"""Webhooks, their subscriptions and delivery attempts, and the events that produce them.

The mock is offline: it sends nothing over the network. A delivery (``POST .../test``, or an
event a subscription matches) is recorded as an attempt the endpoint answered 200, and the
test answers as much. An ``HMAC_SHA256`` webhook gets a signing secret that only the create
answer shows (its schema has ``signing_secret``; later ones only ``signing_secret_hint``).
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from typing import Any

from ..auth import Action
from ..call import Call, handles
from ..crud import space_for
from ..engine import KINDS, Behaviour, Placement
from ..models import Document, rfc3339
from ..problems import ApiError, bad_request, conflict, not_found, unprocessable

__all__ = ["Subscriptions", "Webhooks", "emit"]

JSON = dict[str, Any]
DEFAULT_TIMEOUT_MS = 30_000
MAX_HEADERS = 20
HEADER_NAME = re.compile(r"[!#$%&'*+\-.^_`|~0-9A-Za-z]+")  # an HTTP token
# connection-management headers a webhook may not set
RESERVED_HEADERS = frozenset(
    {
        "connection",
        "keep-alive",
        "proxy-connection",
        "transfer-encoding",
        "upgrade",
        "te",
        "trailer",
        "host",
        "content-length",
    }
)
MAX_SUBSCRIBERS = 200  # webhooks subscribed to one event of one source
DELIVERED = 200  # what every (recorded, never sent) delivery is taken to have answered
# The kind of resource each source type names (SPACE: a space), and the events it has.
SOURCES: Mapping[str, str] = {"PROMPT": "prompt", "EVALUATOR": "evaluator", "ONLINE_TASK": "task"}
EVENTS: Mapping[str, frozenset[str]] = {
    "PROMPT": frozenset(
        {"PROMPT_VERSION_CREATED", "PROMPT_VERSION_LABELED", "PROMPT_VERSION_UNLABELED"}
    ),
    "EVALUATOR": frozenset({"EVALUATOR_VERSION_CREATED"}),
    "ONLINE_TASK": frozenset({"ONLINE_TASK_RUN_FAILED"}),
    "SPACE": frozenset({"ONLINE_TASK_RUN_FAILED"}),
}


class Webhooks(Behaviour):
    """Defaults (bearer auth, 30 s timeout, empty description), header rules, the signing
    secret; a bearer token only for bearer webhooks."""

    def prepare(self, call: Call, data: JSON, doc: Document | None, where: Placement) -> None:
        if data.get("description") is None:
            data["description"] = ""
        headers = call.body.get("headers") or {}
        if len(headers) > MAX_HEADERS:
            raise unprocessable(f"a webhook has at most {MAX_HEADERS} headers")
        for name in headers:
            if not HEADER_NAME.fullmatch(name) or name.casefold() in RESERVED_HEADERS:
                raise unprocessable(f"{name[:64]!r} is not a header a webhook may set")
        if "auth_token" in call.body and data.get("auth_type", "BEARER") != "BEARER":
            raise unprocessable("auth_token goes with BEARER webhooks only")
        if doc is None:
            data.setdefault("auth_type", "BEARER")
            data.setdefault("timeout_ms", DEFAULT_TIMEOUT_MS)
            if data["auth_type"] == "HMAC_SHA256":
                secret = call.state.ids.token("whsec_")
                data["signing_secret"] = secret
                data["signing_secret_hint"] = secret[-4:]


def _source_space(call: Call, body: Mapping[str, Any], action: Action) -> str:
    """The space of the subscription's source, authorized: updating the prompt, evaluator or
    task (a SPACE source: administering the space); 403 for readers, 404 for the rest."""
    source_type, source_id = str(body["source_type"]), str(body["source_id"])
    if source_type == "SPACE":
        need = Action.MANAGE if action is not Action.READ else Action.READ
        return space_for(call, source_id, need).id
    source = KINDS[SOURCES[source_type]].fetch(call, source_id, action)
    if source_type == "ONLINE_TASK" and source.data["type"] == "RUN_EXPERIMENT":
        raise unprocessable("an ONLINE_TASK source is an evaluation task")
    return source.space_id


def on_source(call: Call, body: Mapping[str, Any], action: Action) -> Placement:
    """A subscription lives with its source's space (whose roles govern it) and is owned by
    its webhook, which must be one of the source's organization (404). Checked in the
    documented order: the event for the source type (422), the source (404/403), a task
    source's type (422), then the webhook (404)."""
    if body["event"] not in EVENTS[str(body["source_type"])]:
        raise unprocessable(f"{body['source_type']} sources do not have {body['event']} events")
    space_id = _source_space(call, body, action)
    webhook = call.state.document("webhook", str(body["webhook_id"]))
    space = call.state.spaces.get(space_id)
    if webhook is None or space is None or space.org_id not in webhook.scope:
        raise not_found("webhook in the source's organization")
    return Placement((space_id,), (webhook.id,))


class Subscriptions(Behaviour):
    """An event of the source, once per webhook, at most ``MAX_SUBSCRIBERS`` webhooks; a
    SPACE subscription is changed by admins of the space only."""

    def visible(self, call: Call, doc: Document) -> bool:
        """Seen by those who can read its source."""
        try:
            _source_space(call, doc.data, Action.READ)
        except ApiError:
            return False
        return True

    def deleting(self, call: Call, doc: Document) -> None:
        _source_space(call, doc.data, Action.WRITE)

    def prepare(self, call: Call, data: JSON, doc: Document | None, where: Placement) -> None:
        webhook = call.state.store("webhook")[where.owners[0]]
        same_source = [
            other
            for other in call.state.store("webhook_subscription").values()
            if all(other.data[k] == data[k] for k in ("source_type", "source_id", "event"))
        ]
        if any(webhook.id in other.owners for other in same_source):
            raise conflict("the webhook already has this subscription")
        if len(same_source) >= MAX_SUBSCRIBERS:
            raise unprocessable(f"at most {MAX_SUBSCRIBERS} webhooks subscribe to one event")
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
    if webhook.data["auth_type"] == "HMAC_SHA256":
        raise bad_request("test deliveries are not supported for HMAC_SHA256 webhooks")
    _deliver(call, webhook, {"event": "TEST", "webhook_id": webhook.id})
    return {"status_code": DELIVERED, "error_message": None}
