"""``python -m arize_api.mock``: serve the mock in the foreground until Ctrl-C."""

from __future__ import annotations

import argparse
import sys

import uvicorn

from .server import bind, build, url_of
from .state import DEFAULT_API_KEY, MockState


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog="python -m arize_api.mock",
        description="Offline Arize-compatible mock server (faults: ARIZE_MOCK_* variables).",
    )
    parser.add_argument("--host", default="127.0.0.1", help="interface (default 127.0.0.1)")
    parser.add_argument(
        "--port", type=int, default=8787, help="port, 0 for any free (default 8787)"
    )
    parser.add_argument("--seed", type=int, default=0, help="seed for ids and fault rolls")
    parser.add_argument("--api-key", default=DEFAULT_API_KEY, help="the ready-made admin key")
    parser.add_argument("--log-level", default="info", help="uvicorn log level")
    args = parser.parse_args(argv)
    try:
        app, state, _faults = build(state=MockState(seed=args.seed, api_key=args.api_key))
        sock = bind(args.host, args.port)
    except (OSError, ValueError) as exc:
        print(f"arize mock: {exc}", file=sys.stderr)
        return 2
    url = url_of(sock)
    print(
        f"Arize mock server on {url}\n"
        f"  api key   {state.admin.api_key}   (admin of the space below)\n"
        f"  space id  {state.space_id}\n"
        f"  org id    {state.org_id}\n"
        f"  control   {url}/_mock/info, /_mock/faults, /_mock/reset, /_mock/v1/records\n\n"
        f"  export ARIZE_BASE_URL={url} ARIZE_API_KEY={state.admin.api_key} "
        f"ARIZE_SPACE_ID={state.space_id}\n",
        flush=True,
    )
    config = uvicorn.Config(app, lifespan="off", log_level=args.log_level)
    uvicorn.Server(config).run(sockets=[sock])
    return 0


if __name__ == "__main__":
    sys.exit(main())
