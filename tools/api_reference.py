"""Print api.md: every namespace method of ``ArizeClient``, grouped by namespace.

    python tools/api_reference.py SPEC [PACKAGE_PARENT]

``tools/generate.py`` runs this in a subprocess after each generation, with the freshly generated
``arize_api`` importable from PACKAGE_PARENT (checked), and writes or compares ``api.md``. The
page is read off the generated classes themselves (the namespaces of an ``ArizeClient`` and the
ones below them), so it shows exactly the names the templates' naming rule gave. The summary
of each operation comes from SPEC; its HTTP method, path and release stage from its module's
``OP`` facts.
"""

from __future__ import annotations

import importlib
import inspect
import re
import sys
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from functools import cached_property
from pathlib import Path
from typing import Any

import yaml
from openapi_python_client.strings import snake_case
from spec_docs import operations

WIDTH = 88  # a signature longer than this is written one parameter a line

INTRO = """\
# API reference

Every operation of `openapi.yaml` as a method of `ArizeClient`, grouped by namespace. This page
is generated from the namespace classes by `make generate` (`tools/generate.py`) and checked by
`make check-generated`; do not edit it by hand.

`AsyncArizeClient` has the same methods: `await` them, and `async for` over a list. A list
method returns a paginator over every item across pages (`.pages()` for whole pages,
`max_items=` to stop early). Each method's docstring (`help(client.datasets.examples.insert)`)
carries the operation's whole description and what each parameter means; each operation is also
a module, `arize_api.api.<tag>.<operation>`, with `sync`, `sync_detailed`, `asyncio` and
`asyncio_detailed`. A parameter that defaults to `UNSET` is left out of the request. Operations
the API has not made stable say their release stage (alpha ones warn once per process).

Every method also takes the per-request options `timeout=`, `max_retries=`, `extra_headers=`,
`extra_query=` and `extra_body=` (shown as `**options` below). Each namespace has a
`with_raw_response` twin with the same methods returning the whole `Response` (status, headers,
request id, elapsed time and `.parsed`; a list method returns one page):
`client.datasets.with_raw_response.get(dataset_id)`.
"""


@dataclass(frozen=True)
class Method:
    namespace: str  # "client.datasets.examples"
    name: str  # "insert"
    signature: str  # "client.datasets.examples.insert(dataset_id: str, *, ...) -> ..."
    operation: str  # "insert_dataset_examples"
    http_method: str
    path: str
    summary: str
    stage: str


def namespaces(namespace: object, where: str) -> Iterator[tuple[str, type]]:
    """Each namespace object's class below ``namespace`` (a client), with its place."""
    members = {k: v for klass in reversed(type(namespace).__mro__) for k, v in vars(klass).items()}
    for name, member in sorted(members.items()):
        raw_twin = name == "with_raw_response"  # said once in INTRO, not listed again
        if isinstance(member, cached_property) and not name.startswith("_") and not raw_twin:
            child = getattr(namespace, name)
            yield f"{where}.{name}", type(child)
            yield from namespaces(child, f"{where}.{name}")


def _annotation(text: Any) -> str:
    value = text if isinstance(text, str) else getattr(text, "__name__", repr(text))
    return value.replace("builtins.", "")


def _default(value: Any) -> str:
    return "UNSET" if type(value).__name__ == "Unset" else repr(value)


def format_signature(function: Callable[..., Any], prefix: str) -> str:
    """``prefix(params) -> returns``, on one line or, when long, one parameter a line."""
    signature = inspect.signature(function)
    parts: list[str] = []
    keyword_only = False
    for parameter in list(signature.parameters.values())[1:]:  # not self
        if parameter.kind is parameter.KEYWORD_ONLY and not keyword_only:
            parts.append("*")
            keyword_only = True
        text = parameter.name
        if parameter.annotation is not parameter.empty:
            text += f": {_annotation(parameter.annotation)}"
        if parameter.default is not parameter.empty:
            text += f" = {_default(parameter.default)}"
        parts.append(text)
    returns = _annotation(signature.return_annotation)
    line = f"{prefix}({', '.join(parts)}) -> {returns}"
    if len(line) <= WIDTH:
        return line
    body = "".join(f"    {part},\n" for part in parts)
    return f"{prefix}(\n{body}) -> {returns}"


def collect(spec: dict[str, Any]) -> dict[str, list[Method]]:
    """Every namespace of ``ArizeClient`` (client.<tag>...) with its public methods."""
    from arize_api import ArizeClient

    summaries = {
        snake_case(str(op.get("operationId", ""))): str(op.get("summary") or "").strip()
        for _method, _path, op, _params in operations(spec)
    }
    groups: dict[str, list[Method]] = {}
    client = ArizeClient(api_key="api-reference-0000", base_url="http://127.0.0.1:9")  # no request
    for where, namespace in sorted(namespaces(client, "client")):
        found = groups.setdefault(where, [])
        for name, member in sorted(vars(namespace).items()):
            if name.startswith("_") or not inspect.isfunction(member):
                continue
            (operation,) = re.findall(r"from \. import (\w+)", inspect.getsource(member))
            module = importlib.import_module(f"{member.__module__}.{operation}")
            found.append(
                Method(
                    namespace=where,
                    name=name,
                    signature=format_signature(member, f"{where}.{name}"),
                    operation=operation,
                    http_method=module.OP.method,
                    path=module.OP.path,
                    summary=summaries.get(operation, ""),
                    stage=module.OP.stage or "",
                )
            )
    client.close()
    return groups


def anchor(heading: str) -> str:
    """The anchor GitHub gives a heading."""
    return re.sub(r"[^\w\- ]", "", heading.lower()).replace(" ", "-")


def render(groups: dict[str, list[Method]]) -> str:
    lines = [INTRO, "## Namespaces", ""]
    for namespace, members in groups.items():
        count = (
            f"{len(members)} method{'s' if len(members) != 1 else ''}"
            if members
            else "sub-namespaces only"
        )
        lines.append(f"- [{namespace}](#{anchor(namespace)}): {count}")
    for namespace, members in groups.items():
        lines += ["", f"## {namespace}"]
        if not members:
            lines += ["", "Only sub-namespaces."]
        for method in members:
            summary = method.summary.rstrip(".")
            stage = f" ({method.stage})" if method.stage and method.stage != "stable" else ""
            lines += [
                "",
                f"### {method.namespace}.{method.name}",
                "",
                f"{summary}. `{method.http_method} {method.path}`{stage}",
                "",
                "```python",
                method.signature,
                "```",
            ]
    return "\n".join(lines) + "\n"


def main(argv: list[str]) -> int:
    spec_path = Path(argv[0])
    if len(argv) > 1:
        import arize_api

        expected = Path(argv[1]).resolve() / "arize_api"
        where = Path(arize_api.__file__).resolve().parent
        if where != expected:
            sys.exit(f"api_reference: imported arize_api from {where}, expected {expected}")
    spec = yaml.safe_load(spec_path.read_text())
    sys.stdout.write(render(collect(spec)))
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
