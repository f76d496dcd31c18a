"""The seed of a fresh state: an admin and their key, one organization with one space,
three tags and the predefined roles (the same seed gives the same ids)."""

from __future__ import annotations

from typing import TYPE_CHECKING

from .stores import Credentials

if TYPE_CHECKING:
    from .state import MockState

__all__ = ["PREDEFINED_ROLES", "SEED_TAGS", "seed"]

SEED_TAGS = (("production", "GREEN"), ("baseline", "BLUE"), ("needs-review", "ORANGE"))
# The predefined roles ``GET /v2/roles`` lists (the space roles), with a few of their
# permissions; custom roles are created through the API.
_READ = ("DATASET_READ", "EXPERIMENT_READ", "PROJECT_READ", "PROMPT_READ", "EVALUATOR_READ")
_ANNOTATE = ("DATASET_EXAMPLE_ANNOTATE", "EXPERIMENT_RUN_ANNOTATE", "PROJECT_SPAN_ANNOTATE")
_WRITE = ("DATASET_CREATE", "DATASET_UPDATE", "PROMPT_CREATE", "PROMPT_UPDATE", "TAG_CREATE")
_MANAGE = ("SPACE_UPDATE", "ROLE_BINDING_CREATE", "ROLE_BINDING_DELETE", "USER_READ")
PREDEFINED_ROLES = (
    (
        "Admin",
        "Everything in the space, including its members",
        _READ + _ANNOTATE + _WRITE + _MANAGE,
    ),
    ("Member", "Reads, annotates and changes the space's content", _READ + _ANNOTATE + _WRITE),
    ("Annotator", "Reads and annotates", _READ + _ANNOTATE),
    ("Read only", "Reads", _READ),
)


def seed(state: MockState, admin_key: str) -> None:
    """Fill a fresh ``state`` with the seed data."""
    admin = state.add_user("admin@example.com", name="Mock Admin", role="ADMIN")
    state.register_key(admin_key, admin, name="mock admin key")
    org = state.create_org("Mock Organization", "Seeded by arize_api.mock", admin)
    space = state.create_space(org, "Mock Space", admin, description="Seeded by arize_api.mock")
    for name, color in SEED_TAGS:
        state.create_tag(space, name, color=color)
    state.admin = Credentials(admin_key, admin.id, admin.email)
    state.org_id = org.id
    state.space_id = space.id
    for name, description, permissions in PREDEFINED_ROLES:
        role = {"name": name, "description": description, "permissions": list(permissions)}
        state.add_document("role", {**role, "is_predefined": True}, type_name="Role")
