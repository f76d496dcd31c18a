"""All of the mock's data, in memory: ``MockState`` and its lifecycle.

What it is made of lives by job: the stores and how items are made (``stores.py``), the
cascades of deletes (``cascades.py``), the audit log (``audit.py``) and the seed data
(``seed.py``). Handlers run one at a time under ``lock``; take it too when touching the
state from another thread (a test reading ``logged_records`` while the server runs).
"""

from __future__ import annotations

import itertools
import random
import threading
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from datetime import UTC, datetime

from .audit import Audit
from .cascades import Cascades
from .ids import IdMinter
from .seed import seed as fill_with_seed_data
from .stores import Credentials, redact

__all__ = ["DEFAULT_API_KEY", "Credentials", "MockState", "redact"]

DEFAULT_API_KEY = "arize-mock-admin-key"


def _utcnow() -> datetime:
    return datetime.now(UTC)


class MockState(Cascades, Audit):
    """The in-memory service: one organization, one space and an admin key to begin with.

    Args:
        seed: seeds every id, key and fault roll, so a run can be reproduced (None: random).
        api_key: the ready-made admin key of the seeded space.
        clock: returns "now" (a timezone-aware datetime); for tests that travel in time.
    """

    admin: Credentials
    org_id: str
    space_id: str

    def __init__(
        self,
        *,
        seed: int | None = 0,
        api_key: str = DEFAULT_API_KEY,
        clock: Callable[[], datetime] = _utcnow,
    ) -> None:
        self.lock = threading.RLock()
        self.seed = seed
        self.clock = clock
        # how long a triggered task run stays RUNNING (in mock time) before it completes
        self.task_run_seconds = 1.0
        self._instant = None
        self._admin_key = api_key
        self.reset()

    def reset(self) -> None:
        """Forget everything and re-create the seed data (same ids for the same seed)."""
        with self.lock:
            self.rng = random.Random(self.seed)
            self.ids = IdMinter(self.rng)
            self._seq = itertools.count(1)
            self.blocked_users = {}
            self.keys = {}
            self.datasets = {}
            self.experiments = {}
            self.logged_records = []
            self.docs = {}
            self.key_expiry = {}
            self._audit_numbers = itertools.count(1)
            fill_with_seed_data(self, self._admin_key)

    @contextmanager
    def instant(self) -> Iterator[datetime]:
        """Hold the lock and freeze ``now()`` for one request, as a transaction would."""
        with self.lock:
            self._instant = self.clock()
            try:
                yield self._instant
            finally:
                self._instant = None
