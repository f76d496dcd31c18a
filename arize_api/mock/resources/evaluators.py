"""Evaluators, their versions, and the evaluator templates.

An evaluator is created with its first version; its ``type`` (CODE, REMOTE, TEMPLATE) is the
kind of config its versions carry (``code_config``, ``remote_config``, ``template_config``),
which must match (422). Reading an evaluator shows its latest version, or ``version_id``'s.
Versions are immutable. A version's AI integration (template) or EVALUATOR integration
(remote) must exist and be readable (404; an integration of another type: 422). A bulk delete
collapses repeated ids, reports the ones not deleted, un-pins tasks from deleted versions, and
refuses (409) to delete every version of an evaluator an online (continuous) task uses.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from typing import Any

from ..auth import Action, can, role_for
from ..call import Call, handles
from ..engine import KINDS, Behaviour, Placement, members_at
from ..models import Document, rfc3339
from ..problems import conflict, not_found, unprocessable
from . import webhooks

__all__ = ["TEMPLATES", "Evaluators", "Versions", "latest_version"]

JSON = dict[str, Any]
COLUMN_NAME = re.compile(r"[a-zA-Z0-9_\s\-&()]+")
CONFIGS = {"code_config": "CODE", "remote_config": "REMOTE", "template_config": "TEMPLATE"}
# Where a version refers to other resources: member path -> the kind it must name.
REFERENCES = {
    "remote_config.integration_id": "integration",
    "template_config.llm_config.ai_integration_id": "ai_integration",
}


def _type_of(version: Mapping[str, Any]) -> str:
    return next(kind for member, kind in CONFIGS.items() if member in version)


def _check_version(call: Call, evaluator_type: str, version: Mapping[str, Any]) -> None:
    if (kind := _type_of(version)) != evaluator_type:
        raise unprocessable(
            f"a {evaluator_type} evaluator takes {evaluator_type} versions, not a {kind} one"
        )
    if (template := version.get("template_config")) is not None:
        if not COLUMN_NAME.fullmatch(str(template["name"])):
            raise unprocessable(
                "template_config.name (the eval column) takes letters, digits, spaces and _-&()"
            )
        if not template.get("classification_choices"):
            raise unprocessable("template_config.classification_choices is required")
    for path, kind in REFERENCES.items():
        for ref in members_at(version, path):
            doc = call.state.document(kind, str(ref))
            if doc is None or not can(role_for(call.state, call.principal, doc), Action.READ):
                raise not_found(f"{kind.replace('_', ' ')} {str(ref)[:64]!r}")
            if kind == "integration" and doc.data.get("type") != "EVALUATOR":
                raise unprocessable(f"{path}: a remote evaluator calls an EVALUATOR integration")


def versions_of(call: Call, evaluator: Document) -> list[Document]:
    """The evaluator's versions, oldest first."""
    return [v for v in call.state.store("evaluator_version").values() if evaluator.id in v.owners]


def latest_version(call: Call, evaluator: Document) -> Document | None:
    versions = versions_of(call, evaluator)
    return versions[-1] if versions else None


class Evaluators(Behaviour):
    """Created with a first version of its type; read with one."""

    def prepare(self, call: Call, data: JSON, doc: Document | None, where: Placement) -> None:
        if doc is None:
            _check_version(call, data["type"], data.pop("version"))
            data.setdefault("description", None)

    def created(self, call: Call, doc: Document, body: Mapping[str, Any]) -> None:
        KINDS["evaluator_version"].add(call, body["version"], Placement(doc.scope, (doc.id,)))

    def deleting(self, call: Call, doc: Document) -> None:
        if tasks := _online_tasks(call, doc):
            names = ", ".join(task.id for task in tasks[:10])
            raise conflict(f"online tasks use this evaluator ({names}): remove it from them")

    def view(self, call: Call, doc: Document) -> JSON:
        version_id = call.query.get("version_id")
        if version_id is not None:
            version = call.state.document("evaluator_version", version_id)
            if version is None or doc.id not in version.owners:
                raise not_found("evaluator version")
        else:
            version = latest_version(call, doc)
        if version is None:
            return {}
        return {"version": KINDS["evaluator_version"].view(call, version)}


class Versions(Behaviour):
    """A version takes its evaluator's type, a commit hash, and announces itself."""

    def prepare(self, call: Call, data: JSON, doc: Document | None, where: Placement) -> None:
        evaluator = call.state.store("evaluator")[where.owners[0]]
        _check_version(call, evaluator.data["type"], data)
        data["type"] = evaluator.data["type"]
        data["evaluator_id"] = evaluator.id
        data["commit_hash"] = call.state.ids.hex()

    def created(self, call: Call, doc: Document, body: Mapping[str, Any]) -> None:
        evaluator = call.state.store("evaluator")[doc.owners[0]]
        evaluator.data["updated_at"] = rfc3339(call.state.now())
        payload = {"evaluator_id": evaluator.id, "version_id": doc.id}
        webhooks.emit(call, "EVALUATOR", evaluator, "EVALUATOR_VERSION_CREATED", payload)


def _online_tasks(call: Call, evaluator: Document) -> list[Document]:
    """The continuous tasks that run ``evaluator``."""
    return [
        task
        for task in call.state.store("task").values()
        if task.data.get("is_continuous")
        and evaluator.id in members_at(task.data, "evaluators.*.evaluator_id")
    ]


@handles("deleteEvaluatorVersions")
def delete_versions(call: Call) -> Any:
    """Deletes the listed versions of this evaluator (each once); ids of other evaluators or
    of nothing are reported as not deleted. Tasks pinned to a deleted version fall back to
    the latest; an online task's evaluator keeps at least one version (409)."""
    evaluator = KINDS["evaluator"].get(call, Action.WRITE)
    owned = {v.id: v for v in versions_of(call, evaluator)}
    wanted = list(dict.fromkeys(call.body["version_ids"]))
    deleting = [v for v in wanted if v in owned]
    if deleting and len(deleting) == len(owned) and (tasks := _online_tasks(call, evaluator)):
        names = ", ".join(task.id for task in tasks[:10])
        raise conflict(f"online tasks use this evaluator ({names}): keep at least one version")
    for task in call.state.store("task").values():
        for entry in task.data.get("evaluators") or []:
            if entry.get("evaluator_version_id") in deleting:
                entry["evaluator_version_id"] = None
    for version_id in deleting:
        call.state.delete_document(owned[version_id])
    return {
        "completed": True,
        "deleted_version_ids": deleting,
        "not_deleted_version_ids": [v for v in wanted if v not in deleting],
    }


def _template(name: str, title: str, prompt: str, rails: tuple[str, str], direction: str) -> JSON:
    return {
        "column_name": name,
        "display_name": title,
        "template": prompt,
        "rails": list(rails),
        "classification_choices": {rails[0]: 1.0, rails[1]: 0.0},
        "direction": direction,
        "data_granularity": "SPAN",
    }


TEMPLATES = (
    _template(
        "hallucination",
        "Hallucination",
        "Is the {output} supported by the {reference} for the {input}? Answer factual or "
        "hallucinated.",
        ("factual", "hallucinated"),
        "MAXIMIZE",
    ),
    _template(
        "qa_correctness",
        "Q&A correctness",
        "Does the {output} correctly answer the {input} given the {reference}? Answer correct "
        "or incorrect.",
        ("correct", "incorrect"),
        "MAXIMIZE",
    ),
    _template(
        "relevance",
        "Relevance",
        "Is the {reference} relevant to the {input}? Answer relevant or unrelated.",
        ("relevant", "unrelated"),
        "MAXIMIZE",
    ),
    _template(
        "toxicity",
        "Toxicity",
        "Is the {input} toxic? Answer non-toxic or toxic.",
        ("non-toxic", "toxic"),
        "MAXIMIZE",
    ),
)


@handles("listEvaluatorTemplates")
def list_templates(call: Call) -> Any:
    """The built-in templates (not paged: the reference's one list without pagination)."""
    return {"evaluator_templates": [dict(t) for t in TEMPLATES]}
