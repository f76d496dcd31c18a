"""Benchmarks of arize_api against raw httpx, raw aiohttp/urllib3 and the official SDK.

Run with ``make bench`` (or ``bench/.venv/bin/python -m bench``); see ``bench/README.md``.
"""

from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent  # the repository: subprocesses run from here
