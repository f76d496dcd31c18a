"""Handlers per resource; importing this package registers every one of them."""

from . import datasets, examples, experiments, organizations, projects, spaces

__all__ = ["datasets", "examples", "experiments", "organizations", "projects", "spaces"]
