"""Prompts, their versions and version labels.

A prompt is created with its first version; reading it shows its latest version, or the one
``version_id`` or ``label`` names (404 if none). Versions are immutable but for their labels;
a label names at most one version of a prompt, so setting it on a version moves it there.
Creating versions and (un)labelling them are events webhooks can subscribe to.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from ..auth import Action
from ..call import Call, handles
from ..engine import KINDS, Behaviour, Placement
from ..models import Document, rfc3339
from ..problems import bad_request, not_found, unprocessable
from . import webhooks

__all__ = ["Prompts", "Versions"]

JSON = dict[str, Any]


def versions_of(call: Call, prompt: Document) -> list[Document]:
    """The prompt's versions, oldest first."""
    return [v for v in call.state.store("prompt_version").values() if prompt.id in v.owners]


def labelled(call: Call, prompt: Document, label: str) -> Document:
    """The prompt's version carrying ``label``; 404 if none does."""
    for version in versions_of(call, prompt):
        if label in version.data.get("labels", []):
            return version
    raise not_found("prompt version with that label")


class Prompts(Behaviour):
    """Created with a first version; read with one."""

    def prepare(self, call: Call, data: JSON, doc: Document | None, where: Placement) -> None:
        if doc is None:
            data.pop("version")
            data.setdefault("description", None)

    def created(self, call: Call, doc: Document, body: Mapping[str, Any]) -> None:
        KINDS["prompt_version"].add(call, body["version"], Placement(doc.scope, (doc.id,)))

    def view(self, call: Call, doc: Document) -> JSON:
        if call.query.get("version_id") is not None and call.query.get("label") is not None:
            raise bad_request("give version_id or label, not both")
        if (version_id := call.query.get("version_id")) is not None:
            version = call.state.document("prompt_version", version_id)
            if version is None or doc.id not in version.owners:
                raise not_found("prompt version")
        elif (label := call.query.get("label")) is not None:
            version = labelled(call, doc, label)
        else:
            versions = versions_of(call, doc)
            version = versions[-1] if versions else None
        if version is None:
            return {}
        return {"version": KINDS["prompt_version"].view(call, version)}


class Versions(Behaviour):
    """A version gets a commit hash and no labels, and announces itself."""

    def prepare(self, call: Call, data: JSON, doc: Document | None, where: Placement) -> None:
        data["prompt_id"] = where.owners[0]
        data["commit_hash"] = call.state.ids.hex()
        data.setdefault("input_variable_format", "F_STRING")
        data["labels"] = []

    def created(self, call: Call, doc: Document, body: Mapping[str, Any]) -> None:
        prompt = call.state.store("prompt")[doc.owners[0]]
        prompt.data["updated_at"] = rfc3339(call.state.now())
        _announce(call, doc, "PROMPT_VERSION_CREATED")


def _announce(call: Call, version: Document, event: str, label: str | None = None) -> None:
    prompt = call.state.store("prompt")[version.owners[0]]
    payload = {"prompt_id": prompt.id, "version_id": version.id}
    if label is not None:
        payload["label"] = label
    webhooks.emit(call, "PROMPT", prompt, event, payload)


@handles("getPromptLabel")
def get_by_label(call: Call) -> Any:
    prompt = KINDS["prompt"].get(call)
    version = labelled(call, prompt, call.path["label_name"])
    return call.render(KINDS["prompt_version"].view(call, version))


@handles("setPromptVersionLabel")
def set_labels(call: Call) -> Any:
    """The version's labels become exactly these; each leaves the prompt's other versions."""
    version = KINDS["prompt_version"].get(call, Action.WRITE)
    labels = list(dict.fromkeys(call.body["labels"]))
    if any(not label.strip() for label in labels):
        raise unprocessable("labels must not be blank")
    prompt = call.state.store("prompt")[version.owners[0]]
    for other in versions_of(call, prompt):
        if other is not version and (moved := [x for x in other.data["labels"] if x in labels]):
            other.data["labels"] = [x for x in other.data["labels"] if x not in moved]
            for label in moved:
                _announce(call, other, "PROMPT_VERSION_UNLABELED", label)
    before = version.data.get("labels", [])
    version.data["labels"] = labels
    for label in before:
        if label not in labels:
            _announce(call, version, "PROMPT_VERSION_UNLABELED", label)
    for label in labels:
        if label not in before:
            _announce(call, version, "PROMPT_VERSION_LABELED", label)
    return call.render(KINDS["prompt_version"].view(call, version))


@handles("deletePromptVersionLabel")
def delete_label(call: Call) -> None:
    version = KINDS["prompt_version"].get(call, Action.WRITE)
    label = call.path["label_name"]
    if label not in version.data.get("labels", []):
        raise not_found("label")
    version.data["labels"] = [x for x in version.data["labels"] if x != label]
    _announce(call, version, "PROMPT_VERSION_UNLABELED", label)
