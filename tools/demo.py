"""`make demo`: run examples/quickstart.py against the offline mock, or the real service.

With no ARIZE_API_KEY in the environment the mock server starts in this process (background
thread, free loopback port) and the quickstart runs against it: no network, no credentials.
With ARIZE_API_KEY set it runs against ARIZE_BASE_URL (Arize itself unless that is a loopback
address, such as a `make mock` running in another terminal), and says which before touching
anything. The quickstart can run any number of times against the same server.
"""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path
from urllib.parse import urlsplit

LOOPBACK = ("127.0.0.1", "localhost", "::1")
QUICKSTART = Path(__file__).resolve().parent.parent / "examples" / "quickstart.py"


def run(env: dict[str, str]) -> int:
    return subprocess.run([sys.executable, str(QUICKSTART)], env=env, check=False).returncode


def main() -> int:
    if os.environ.get("ARIZE_API_KEY"):
        base_url = os.environ.get("ARIZE_BASE_URL", "")
        if urlsplit(base_url).hostname in LOOPBACK:  # `make mock` in another terminal, say
            print(f"ARIZE_API_KEY is set: running against the local server at {base_url}.")
        else:
            where = base_url or os.environ.get("ARIZE_REGION") or "global"
            print(f"ARIZE_API_KEY is set: running against the REAL Arize service ({where}).")
        print("It creates a dataset and an experiment in ARIZE_SPACE_ID and deletes them after.")
        return run(dict(os.environ))

    from arize_api.mock import serve

    with serve() as mock:
        print(f"No ARIZE_API_KEY: running against the offline mock server at {mock.base_url}")
        env = {
            **os.environ,
            "ARIZE_API_KEY": mock.api_key,
            "ARIZE_BASE_URL": mock.base_url,
            "ARIZE_SPACE_ID": mock.space_id,
        }
        env.pop("ARIZE_REGION", None)
        return run(env)


if __name__ == "__main__":
    sys.exit(main())
