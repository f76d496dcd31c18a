"""Handlers per resource; importing this package registers every one of them.

The original resources (datasets, examples, experiments, projects, spaces, organizations)
have typed models and handlers; the rest are documents declared in ``catalog.py`` and served
by the generic engine, with their own modules for what differs.
"""

from . import (
    access,
    annotation,
    api_keys,
    audit_logs,
    catalog,
    datasets,
    evaluators,
    examples,
    experiments,
    integrations,
    monitors,
    organizations,
    projects,
    prompts,
    spaces,
    spans,
    tags,
    tasks,
    users,
    webhooks,
)

__all__ = [
    "access",
    "annotation",
    "api_keys",
    "audit_logs",
    "catalog",
    "datasets",
    "evaluators",
    "examples",
    "experiments",
    "integrations",
    "monitors",
    "organizations",
    "projects",
    "prompts",
    "spaces",
    "spans",
    "tags",
    "tasks",
    "users",
    "webhooks",
]
