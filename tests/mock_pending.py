"""The operations of openapi.yaml that the mock does not implement yet: THE list to empty.

The spec can grow ahead of the mock (``arize_api.mock``), which answers an operation without a
handler with a 501 problem ("the mock does not implement <operationId> yet"). The mock tests
that go over every operation (``test_mock_server``, ``test_mock_schemathesis``,
``test_mock_pagination``) skip the operations listed here, through ``implemented()``;
``test_mock_server`` checks that each listed operation answers 501 and that this list is exactly
the set of operations without a handler, so adding a handler fails that test until its
operation is taken off the list. When the mock covers everything, this set is empty.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Protocol, TypeVar

MOCK_PENDING: frozenset[str] = frozenset(
    {
        # ai_integrations
        "listAiIntegrations",
        "createAiIntegration",
        "getAiIntegration",
        "updateAiIntegration",
        "deleteAiIntegration",
        # annotation_configs
        "listAnnotationConfigs",
        "createAnnotationConfig",
        "getAnnotationConfig",
        "updateAnnotationConfig",
        "deleteAnnotationConfig",
        "listAnnotationConfigTags",
        "addAnnotationConfigTags",
        # annotation_queues
        "listAnnotationQueues",
        "createAnnotationQueue",
        "getAnnotationQueue",
        "updateAnnotationQueue",
        "deleteAnnotationQueue",
        "listAnnotationQueueRecords",
        "createAnnotationQueueRecord",
        "deleteAnnotationQueueRecord",
        "annotateAnnotationQueueRecord",
        "assignAnnotationQueueRecord",
        "listAnnotationQueueTags",
        "addAnnotationQueueTags",
        # api_keys
        "listApiKeys",
        "createApiKey",
        "refreshApiKey",
        "revokeApiKey",
        # audit_logs
        "listAuditLogs",
        # dashboards
        "getDashboardWidget",
        # evaluators
        "listEvaluators",
        "createEvaluator",
        "getEvaluator",
        "updateEvaluator",
        "deleteEvaluator",
        "listEvaluatorTags",
        "addEvaluatorTags",
        "removeEvaluatorTags",
        "listEvaluatorVersions",
        "createEvaluatorVersion",
        "deleteEvaluatorVersions",
        "listEvaluatorTemplates",
        "getEvaluatorVersion",
        # integrations
        "listIntegrations",
        "createIntegration",
        "getIntegration",
        "updateIntegration",
        "deleteIntegration",
        # monitors
        "listMonitors",
        "getMonitor",
        "listMonitorTags",
        "addMonitorTags",
        "removeMonitorTags",
        # prompts
        "listPrompts",
        "createPrompt",
        "getPrompt",
        "updatePrompt",
        "deletePrompt",
        "getPromptLabel",
        "listPromptTags",
        "addPromptTags",
        "removePromptTags",
        "listPromptVersions",
        "createPromptVersion",
        "getPromptVersion",
        "setPromptVersionLabel",
        "deletePromptVersionLabel",
        # resource_restrictions
        "listResourceRestrictions",
        "createResourceRestriction",
        "deleteResourceRestriction",
        # role_bindings
        "listRoleBindings",
        "createRoleBinding",
        "getRoleBinding",
        "updateRoleBinding",
        "deleteRoleBinding",
        # roles
        "listRoles",
        "createRole",
        "getRole",
        "updateRole",
        "deleteRole",
        # spans
        "listSpans",
        "deleteSpans",
        "annotateSpans",
        # tags
        "createTag",
        "updateTag",
        "deleteTag",
        # tasks
        "listTasks",
        "createTask",
        "getTask",
        "updateTask",
        "deleteTask",
        "listTaskRuns",
        "triggerTaskRun",
        "getTaskRun",
        "cancelTaskRun",
        # traces
        "listTraces",
        # users
        "listUsers",
        "createUser",
        "getUser",
        "updateUser",
        "deleteUser",
        "resendUserInvitation",
        "resetUserPassword",
        # webhooks
        "listWebhooks",
        "createWebhook",
        "getWebhook",
        "updateWebhook",
        "deleteWebhook",
        "listWebhookDeliveryAttempts",
        "testWebhook",
        "listWebhookSubscriptions",
        "createWebhookSubscription",
        "getWebhookSubscription",
        "deleteWebhookSubscription",
    }
)


class _HasOperationId(Protocol):
    @property
    def operation_id(self) -> str: ...


Op = TypeVar("Op", bound=_HasOperationId)


def implemented(operations: Iterable[Op]) -> list[Op]:
    """The operations the mock implements (``operation_id`` not in ``MOCK_PENDING``)."""
    return [op for op in operations if op.operation_id not in MOCK_PENDING]
