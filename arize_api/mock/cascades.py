"""What a delete takes with it: owned documents, a space's or organization's contents,
memberships and role bindings, a tag's attachments, a user's keys."""

from __future__ import annotations

from .models import Dataset, Document, Experiment, Organization, Space, User
from .stores import Stores

__all__ = ["Cascades"]


class Cascades(Stores):
    """The deletes of ``MockState``, with their cascades."""

    def delete_document(self, doc: Document) -> None:
        """Delete ``doc`` and, recursively, every document it owns."""
        with self.lock:
            self.store(doc.kind).pop(doc.id, None)
            self.forget(doc.id)

    def forget(self, owner_id: str) -> None:
        """Delete the documents ``owner_id`` owns (its versions, runs, records, spans...)."""
        for store in list(self.docs.values()):
            for doc in [d for d in store.values() if owner_id in d.owners]:
                self.delete_document(doc)

    def forget_scope(self, scope_id: str) -> None:
        """A space or organization is gone: its documents go, or stop being scoped to it."""
        for store in list(self.docs.values()):
            for doc in [d for d in store.values() if scope_id in d.scope]:
                if len(doc.scope) == 1:
                    self.delete_document(doc)
                    continue
                doc.scope = tuple(s for s in doc.scope if s != scope_id)
                scopings = doc.data.get("scopings")
                if isinstance(scopings, list):
                    doc.data["scopings"] = [
                        s
                        for s in scopings
                        if scope_id not in (s.get("space_id"), s.get("organization_id"))
                    ]

    # -- deletion, with cascades --------------------------------------------------------------

    def delete_org(self, org: Organization) -> None:
        for space in [s for s in self.spaces.values() if s.org_id == org.id]:
            self.delete_space(space)
        self.forget_scope(org.id)
        del self.orgs[org.id]

    def delete_space(self, space: Space) -> None:
        for store in (self.experiments, self.datasets):
            for key in [k for k, v in store.items() if v.space_id == space.id]:
                self.forget(key)
                del store[key]
        self.forget_scope(space.id)
        del self.spaces[space.id]

    def delete_dataset(self, dataset: Dataset) -> None:
        for experiment in [e for e in self.experiments.values() if e.dataset_id == dataset.id]:
            self.delete_experiment(experiment)
        self.forget(dataset.id)
        del self.datasets[dataset.id]

    def delete_experiment(self, experiment: Experiment) -> None:
        if (project := self.projects.get(experiment.traces_project_id)) is not None:
            self.delete_document(project)
        self.forget(experiment.id)
        del self.experiments[experiment.id]

    def detach_tag(self, tag_id: str) -> None:
        """Take ``tag_id`` off everything it is attached to."""
        for store in (self.datasets, self.experiments):
            for item in store.values():
                if tag_id in item.tags:
                    item.tags.remove(tag_id)
        for docs in self.docs.values():
            for doc in docs.values():
                if tag_id in doc.tags:
                    doc.tags.remove(tag_id)

    def delete_user(self, user: User) -> None:
        """Block ``user``: their keys, memberships and role bindings go; they are kept aside
        (``blocked_users``), no longer listed or readable."""
        for key in [k for k, v in self.keys.items() if v == user.id]:
            del self.keys[key]
        for space in self.spaces.values():
            self.remove_member(space, user.id)
        for org in self.orgs.values():
            self.remove_member(org, user.id)
        for doc in [d for d in self.store("api_key").values() if d.data.get("user_id") == user.id]:
            self.delete_document(doc)
        self.forget(user.id)
        self.blocked_users[user.id] = self.users.pop(user.id)

    def remove_member(self, scope: Space | Organization, user_id: str) -> None:
        """Take ``user_id`` out of a space, or of an organization and all its spaces, with
        their role bindings there."""
        scope.members.pop(user_id, None)
        bindings = self.store("role_binding")
        for doc in [d for d in bindings.values() if d.data["user_id"] == user_id]:
            if doc.data["resource_id"] == scope.id or scope.id in doc.scope:
                self.delete_document(doc)
        if isinstance(scope, Organization):
            for space in [s for s in self.spaces.values() if s.org_id == scope.id]:
                self.remove_member(space, user_id)
