"""Integrations and AI integrations: what the engine's documents do not say themselves.

Names are unique in the account: an AI integration's among AI integrations, an
integration's among LLM integrations, or among the AGENT and EVALUATOR ones (which share
the remote endpoint namespace). An AI integration defaults to ``DEFAULT`` auth, function
calling on and default models off; Bedrock and Vertex need their provider metadata (422).
An integration update names its type and at least one other member (400).
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from ..call import Call
from ..engine import Behaviour, Placement
from ..models import Document
from ..problems import bad_request, unprocessable

__all__ = ["AiIntegrations", "Integrations", "namespace", "one_namespace"]

JSON = dict[str, Any]
# what provider_metadata must hold for these providers
PROVIDER_METADATA = {
    "AWS_BEDROCK": ("role_arn",),
    "VERTEX_AI": ("project_id", "location", "project_access_label"),
}


def one_namespace(data: Mapping[str, Any]) -> str:
    """AI integration names are unique among all AI integrations of the account."""
    return ""


def namespace(data: Mapping[str, Any]) -> str:
    """LLM integration names are unique among LLM ones; AGENT and EVALUATOR share one."""
    return "LLM" if data.get("type") == "LLM" else "REMOTE"


class AiIntegrations(Behaviour):
    def prepare(self, call: Call, data: JSON, doc: Document | None, where: Placement) -> None:
        if doc is None:
            data.setdefault("enable_default_models", False)
            data.setdefault("function_calling_enabled", True)
            data.setdefault("auth_type", "DEFAULT")
            data.setdefault("scopings", [])
        needed = PROVIDER_METADATA.get(str(data.get("provider")), ())
        metadata = data.get("provider_metadata") or {}
        if missing := [key for key in needed if not metadata.get(key)]:
            raise unprocessable(
                f"{data['provider']} integrations need provider_metadata {', '.join(missing)}"
            )


class Integrations(Behaviour):
    def prepare(self, call: Call, data: JSON, doc: Document | None, where: Placement) -> None:
        if doc is not None and not set(call.body) - {"type"}:
            raise bad_request("an update sets name, description, scopings or config besides type")
