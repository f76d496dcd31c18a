"""The table of document collections: one ``Kind`` per resource; apps take its handlers.

Everything a collection does that the engine (``engine.py``) cannot derive is named here: its
paths, global-id type, where new items go, name uniqueness, renamed or immutable members,
who blocks a delete, and the ``Behaviour`` (in the resource's own module) for the rest.
Operations the engine does not cover (bulk deletes, labels, triggers, annotate, assign,
tests, keys, users, spans) are handled in those modules, which find kinds in ``KINDS``.
"""

from __future__ import annotations

from collections.abc import Mapping

from ..auth import Action
from ..engine import Kind, in_account, in_org, in_parent, in_scopings, in_space
from ..models import Organization, Space
from . import (
    access,
    annotation,
    api_keys,
    audit_logs,
    evaluators,
    integrations,
    monitors,
    organizations,
    projects,
    prompts,
    spaces,
    tags,
    tasks,
    webhooks,
)

__all__ = ["BY_NAME", "CATALOG"]

CATALOG: tuple[Kind, ...] = (
    Kind(
        name="organization",
        path="/v2/organizations",
        item="/v2/organizations/{org_id}",
        type_name="AccountOrganization",
        place=organizations.anyone,
        unique_names=True,  # in the account
        manage=Action.MANAGE,
        model=Organization,
        behaviour=organizations.Organizations(),
    ),
    Kind(
        name="space",
        path="/v2/spaces",
        item="/v2/spaces/{space_id}",
        type_name="Space",
        place=spaces.in_organization,
        unique_names=True,  # in the organization
        manage=Action.MANAGE,
        model=Space,
        behaviour=spaces.Spaces(),
    ),
    Kind(
        name="annotation_config",
        path="/v2/annotation-configs",
        item="/v2/annotation-configs/{annotation_config_id}",
        type_name="AnnotationConfig",
        place=in_space(),
        unique_names=True,
        renames={"annotation_config_type": "type"},  # requests say which kind, answers `type`
        immutable=("type",),
        used_by=(("annotation_queue", "annotation_config_ids"),),
        behaviour=annotation.ConfigRules(),
    ),
    Kind(
        name="annotation_queue",
        path="/v2/annotation-queues",
        item="/v2/annotation-queues/{annotation_queue_id}",
        type_name="AnnotationQueue",
        place=in_space(),
        unique_names=True,
        behaviour=annotation.Queues(),
    ),
    Kind(
        name="annotation_queue_record",
        path="/v2/annotation-queues/{annotation_queue_id}/records",
        item="/v2/annotation-queues/{annotation_queue_id}/records/{annotation_queue_record_id}",
        type_name="AnnotationQueueRecord",
        place=in_parent("annotation_queue"),
        parent="annotation_queue",
        custom=frozenset({"create"}),  # 200 or 201, from record sources: annotation.py
        behaviour=annotation.Records(),
    ),
    Kind(
        name="evaluator",
        path="/v2/evaluators",
        item="/v2/evaluators/{evaluator_id}",
        type_name="Evaluator",
        place=in_space(),
        unique_names=True,
        immutable=("type",),
        behaviour=evaluators.Evaluators(),  # online tasks using one block its delete
        order_by="updated",
        newest_first=True,
    ),
    Kind(
        name="evaluator_version",
        path="/v2/evaluators/{evaluator_id}/versions",
        item="/v2/evaluator-versions/{version_id}",
        type_name="EvaluatorVersion",
        place=in_parent("evaluator"),
        parent="evaluator",
        behaviour=evaluators.Versions(),
        newest_first=True,
    ),
    Kind(
        name="prompt",
        path="/v2/prompts",
        item="/v2/prompts/{prompt_id}",
        type_name="Prompt",
        place=in_space(),
        unique_names=True,
        behaviour=prompts.Prompts(),
        order_by="updated",
        newest_first=True,
    ),
    Kind(
        name="prompt_version",
        path="/v2/prompts/{prompt_id}/versions",
        item="/v2/prompt-versions/{version_id}",
        type_name="PromptVersion",
        place=in_parent("prompt"),
        parent="prompt",
        behaviour=prompts.Versions(),
        newest_first=True,
    ),
    Kind(
        name="ai_integration",
        path="/v2/ai-integrations",
        item="/v2/ai-integrations/{integration_id}",
        type_name="AiIntegration",
        place=in_scopings,
        unique_names=True,
        unique_in_account=integrations.one_namespace,
        replaced=("provider_metadata", "headers"),
        behaviour=integrations.AiIntegrations(),
    ),
    Kind(
        name="integration",
        path="/v2/integrations",
        item="/v2/integrations/{integration_id}",
        type_name="Integration",
        place=in_scopings,
        unique_names=True,
        unique_in_account=integrations.namespace,
        replaced=("config.headers",),
        immutable=("type",),
        behaviour=integrations.Integrations(),
        used_by=(
            ("evaluator_version", "remote_config.integration_id"),
            ("task", "run_configuration.integration_id"),
        ),
        newest_first=True,
    ),
    Kind(
        name="project",
        path="/v2/projects",
        item="/v2/projects/{project_id}",
        type_name="Model",
        place=in_space(),
        unique_names=True,
        behaviour=projects.Projects(),
    ),
    Kind(
        name="tag",
        path="/v2/tags",  # create only: tags are listed per resource (crud.tag_handlers)
        item="/v2/tags/{tag_id}",
        type_name="Tag",
        place=in_space(),
        unique_names=True,
        names_ignore_case=True,
        behaviour=tags.Tags(),
    ),
    Kind(
        name="monitor",  # made by the control plane (no create operation), read through the API
        path="/v2/monitors",
        item="/v2/monitors/{monitor_id}",
        type_name="Monitor",
        place=monitors.in_project,
        filters=monitors.FILTERS,
        custom=frozenset({"list"}),
        newest_first=True,
    ),
    Kind(
        name="dashboard",  # made by the control plane; only its widgets have an operation
        path="/v2/dashboards",
        item="/v2/dashboards/{dashboard_id}",
        type_name="Dashboard",
        place=in_space(),
    ),
    Kind(
        name="dashboard_widget",
        path="/v2/dashboards/{dashboard_id}/widgets",
        item="/v2/dashboards/{dashboard_id}/widgets/{widget_id}",
        type_name="DashboardWidget",
        place=in_parent("dashboard"),
        parent="dashboard",
    ),
    Kind(
        name="task",
        path="/v2/tasks",
        item="/v2/tasks/{task_id}",
        type_name="Task",
        place=tasks.in_project_or_dataset,
        behaviour=tasks.Tasks(),
    ),
    Kind(
        name="task_run",
        path="/v2/tasks/{task_id}/runs",
        item="/v2/task-runs/{run_id}",
        type_name="TaskRun",
        place=in_parent("task"),
        parent="task",
        behaviour=tasks.Runs(),
        newest_first=True,
    ),
    Kind(
        name="webhook",
        path="/v2/webhooks",
        item="/v2/webhooks/{webhook_id}",
        type_name="Webhook",
        place=in_org(),
        unique_names=True,
        manage=Action.MANAGE,
        behaviour=webhooks.Webhooks(),
        newest_first=True,
    ),
    Kind(
        name="webhook_subscription",
        path="/v2/webhook-subscriptions",
        item="/v2/webhook-subscriptions/{subscription_id}",
        type_name="WebhookSubscription",
        place=webhooks.on_source,  # access is the source's: webhooks.py
        behaviour=webhooks.Subscriptions(),
        newest_first=True,
    ),
    Kind(
        name="webhook_delivery_attempt",  # recorded by tests and subscribed events
        path="/v2/webhooks/{webhook_id}/delivery-attempts",
        item="/v2/webhooks/{webhook_id}/delivery-attempts/{event_id}",
        type_name=None,
        place=in_parent("webhook"),
        parent="webhook",
        newest_first=True,
    ),
    Kind(
        name="role",
        path="/v2/roles",
        item="/v2/roles/{role_id}",
        type_name="Role",
        place=in_account,
        unique_names=True,
        manage=Action.MANAGE,
        used_by=(("role_binding", "role_id"),),
        behaviour=access.Roles(),
    ),
    Kind(
        name="role_binding",
        path="/v2/role-bindings",
        item="/v2/role-bindings/{binding_id}",
        type_name="RoleBinding",
        place=access.on_bound_resource,
        manage=Action.MANAGE,
        checks={"user_id": access.known_user},
        behaviour=access.Bindings(),
    ),
    Kind(
        name="resource_restriction",  # one per restricted resource, found by it: access.py
        path="/v2/resource-restrictions",
        item="/v2/resource-restrictions/{resource_id}",
        type_name=None,
        place=access.on_restricted_resource,
        manage=Action.MANAGE,
        custom=frozenset({"create", "delete"}),
    ),
    Kind(
        name="api_key",  # made by api_keys.py and MockState.register_key
        path="/v2/api-keys",
        item="/v2/api-keys/{api_key_id}",
        type_name="ApiKey",
        place=in_account,
        custom=frozenset({"create"}),
        behaviour=api_keys.OwnKeys(),
        filters={"space_id": api_keys.reaches_space, "user_id": api_keys.creator_or_user},
        checks={"user_id": api_keys.admins_filter_users},
    ),
    Kind(
        name="audit_log",  # written by MockState.audit for every request that succeeds
        path="/v2/audit-logs",
        item="/v2/audit-logs/{audit_log_id}",
        type_name=None,
        place=in_account,
        custom=frozenset({"list"}),
        filters=audit_logs.FILTERS,
        newest_first=True,
    ),
)

BY_NAME: Mapping[str, Kind] = {kind.name: kind for kind in CATALOG}
