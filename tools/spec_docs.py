"""The spec's prose, made ready for docstrings: plain text, and each parameter's whole line.

``tools/generate.py`` runs the generator on a copy of openapi.yaml in which every description is
plain text (``plain_text``: markdown and HTML taken out, paragraphs kept, hard-wrapped lines
joined) and each schema member's description ends with its limits (``constraints``). The
generator reads a parameter's description from its *schema* only, and from the referenced
schema when that is a ``$ref``; so the parameters' texts (description, limits, default) reach
the templates beside it, in ``spec_docs.jinja`` (``template_facts``). Only docstrings depend on
any of this.
"""

from __future__ import annotations

import copy
import html
import json
import re
from collections.abc import Iterator
from typing import Any

# An operation's module is named by the generator's own rule (``listDatasets``: ``list_datasets``).
from openapi_python_client.strings import snake_case

# Keys whose values are data, not documentation: their "description" keys are left alone.
DATA_KEYS = frozenset({"example", "examples", "default", "enum", "const"})
PARAMETER_LOCATIONS = ("path", "query", "header", "cookie")
HTTP_METHODS = ("get", "put", "post", "delete", "options", "head", "patch", "trace")

# Markup a description may carry, and what stands for it in plain text.
_HTML_TAG = re.compile(
    r"</?(?:a|b|i|u|em|strong|code|span|div|p|br|hr|ul|ol|li|table|thead|tbody|tr|td|th|pre|"
    r"sup|sub|small|h[1-6]|warning|note|info|tip|check|callout)\b[^<>]*>",
    re.IGNORECASE,
)
_BREAK_TAG = re.compile(r"<br\s*/?>", re.IGNORECASE)
_PARAGRAPH_TAG = re.compile(r"</?(?:p|div|ul|ol|table|h[1-6])\b[^<>]*>", re.IGNORECASE)
_ITEM_TAG = re.compile(r"<li\b[^<>]*>", re.IGNORECASE)
_ROW_TAG = re.compile(r"<tr\b[^<>]*>", re.IGNORECASE)
_CELL_TAG = re.compile(r"</t[dh]>\s*<t[dh]\b[^<>]*>", re.IGNORECASE)
_CODE_SPAN = re.compile(r"(`+)(.+?)\1", re.DOTALL)
_IMAGE = re.compile(r"!\[([^\]]*)\]\([^)]*\)")
_LINK = re.compile(r"\[([^\]]+)\]\(([^)\s]+)(?:\s+\"[^\"]*\")?\)")
_BOLD = re.compile(r"\*\*(?=\S)(.+?)(?<=\S)\*\*")
_LIST_ITEM = re.compile(r"^\s*(?:[-*+]|\d+[.)])\s+")
_HEADING = re.compile(r"^\s*#{1,6}\s+")
_TABLE_RULE = re.compile(r"^\s*\|?\s*:?-{3,}:?\s*(?:\|\s*:?-{3,}:?\s*)*\|?\s*$")
_SENTENCE_END = re.compile(r"[.!?:;][)\"'`]*$")


def plain_text(text: str) -> str:
    """``text`` as plain paragraphs for a terminal: no markdown markup, tables or HTML.

    Paragraphs are separated by one blank line, and each is one line (the templates wrap it);
    a list item or a table row keeps a line of its own (``- ...``), a code block (fenced, or
    indented by four spaces) keeps its lines, indented by four spaces. A blank line separates
    paragraphs; when the text has none (a folded YAML scalar, where a blank line became a
    single newline), a newline after the end of a sentence does.
    """
    text = text.replace("\r\n", "\n").replace("\r", "\n").strip()
    if not text:
        return ""
    blocks: list[str] = []
    lines: list[str] = []
    fence: list[str] | None = None
    for line in text.split("\n"):
        if line.strip().startswith("```"):
            if fence is None:
                blocks.extend(_prose_blocks(lines, text))
                lines, fence = [], []
            else:
                blocks.append("\n".join(f"    {code}" for code in _dedent(fence)))
                fence = None
        elif fence is not None:
            fence.append(line)
        else:
            lines.append(line)
    if fence is not None:  # an unclosed fence: its lines are prose after all
        lines.extend(fence)
    blocks.extend(_prose_blocks(lines, text))
    return "\n\n".join(block for block in blocks if block)


def _dedent(lines: list[str]) -> list[str]:
    margin = min((len(x) - len(x.lstrip()) for x in lines if x.strip()), default=0)
    return [x[margin:].rstrip() for x in lines]


def _prose_blocks(lines: list[str], whole: str) -> Iterator[str]:
    """Markdown (outside code fences) to plain blocks: see ``plain_text``."""
    source = _strip_html("\n".join(lines))
    for chunk in re.split(r"\n\s*\n", source):
        lines = [line for line in chunk.split("\n") if line.strip()]
        if lines and all(line.startswith("    ") for line in lines):  # an indented code block
            yield "\n".join(f"    {code}" for code in _dedent(lines))
            continue
        paragraph = _Chunk(folded="\n\n" not in whole).render(chunk)
        if paragraph:
            yield paragraph


class _Chunk:
    """One blank-line-separated chunk of markdown, rendered line by line."""

    def __init__(self, *, folded: bool) -> None:
        self.folded = folded  # a newline after a sentence's end starts a paragraph
        self.out: list[str] = []  # finished lines; "" separates paragraphs
        self.current: list[str] = []  # the pieces of the line being built
        self.table: list[list[str]] = []

    def flush(self) -> None:
        if self.current:
            self.out.append(" ".join(self.current))
            self.current.clear()
        if self.table:
            self.out.extend(_table_lines(self.table))
            self.table.clear()

    def render(self, chunk: str) -> str:
        for raw in chunk.split("\n"):
            self.add(raw.strip())
        self.flush()
        return re.sub(r"\n{2,}", "\n\n", "\n".join(self.out).strip())

    def add(self, line: str) -> None:
        if not line:
            return
        if line.startswith("|") and line.count("|") >= 2:
            if self.current:
                self.flush()
            if not _TABLE_RULE.match(line):
                self.table.append([cell.strip() for cell in line.strip("|").split("|")])
            return
        if self.table:
            self.flush()
        if _HEADING.match(line):
            self.flush()
            self.out.extend([_inline(_HEADING.sub("", line)), ""])
            return
        if line.startswith(">"):
            line = line.lstrip("> ").strip()
        marker = _LIST_ITEM.match(line)
        if marker:
            self.flush()
            bullet = marker.group().strip()
            bullet = bullet if bullet[0].isdigit() else "-"
            self.current.append(f"{bullet} {_inline(line[marker.end() :])}")
            return
        if self.current and self.folded and _SENTENCE_END.search(self.current[-1]):
            self.flush()
            self.out.append("")
        self.current.append(_inline(line))


def _strip_html(text: str) -> str:
    text = _BREAK_TAG.sub("\n", text)
    text = _ITEM_TAG.sub("\n- ", text)
    text = _ROW_TAG.sub("\n| ", text)
    text = _CELL_TAG.sub(" | ", text)
    text = _PARAGRAPH_TAG.sub("\n\n", text)
    text = _HTML_TAG.sub("", text)
    return html.unescape(text)


def _inline(text: str) -> str:
    """Inline markdown to plain words: code spans kept (backticks and all), links as text."""
    spans: list[str] = []

    def keep(match: re.Match[str]) -> str:
        spans.append(match.group())
        return f"\x00{len(spans) - 1}\x00"

    text = _CODE_SPAN.sub(keep, text)
    text = _IMAGE.sub(r"\1", text)
    text = _LINK.sub(
        lambda m: (
            m.group(1) if m.group(2).startswith(("#", "/")) else f"{m.group(1)} ({m.group(2)})"
        ),
        text,
    )
    text = _BOLD.sub(r"\1", text)
    text = re.sub(r"\s+", " ", text).strip()
    return re.sub("\x00(\\d+)\x00", lambda m: spans[int(m.group(1))], text)


def _table_lines(rows: list[list[str]]) -> list[str]:
    """A table as lines: its header as ``a: b; c``, each row as ``- a: b; c``."""
    lines = []
    for index, cells in enumerate(rows):
        cells = [_inline(cell) for cell in cells]
        first, rest = cells[0], "; ".join(cell for cell in cells[1:] if cell)
        text = f"{first}: {rest}" if rest else first
        lines.append(text if index == 0 and len(rows) > 1 else f"- {text}")
    return lines


def _number(value: Any) -> str:
    return str(int(value)) if isinstance(value, float) and value.is_integer() else str(value)


def _range(low: Any, high: Any, unit: str) -> str:
    """``From 1 to 100.`` / ``At least 1 item.`` / ``3 to 20 characters.``"""

    def units(value: Any) -> str:
        return "" if not unit else f" {unit}" if value == 1 else f" {unit}s"

    if low is not None and high is not None:
        if low == high:
            return f"Exactly {_number(low)}{units(low)}."
        if unit:
            return f"{_number(low)} to {_number(high)}{units(high)}."
        return f"From {_number(low)} to {_number(high)}."
    if low is not None:
        return f"At least {_number(low)}{units(low)}."
    return f"At most {_number(high)}{units(high)}."


def constraints(schema: dict[str, Any]) -> str:
    """The limits a schema states, as a sentence or a few (``1 to 100 items.``); "" if none."""
    parts: list[str] = []
    low, high = schema.get("minimum"), schema.get("maximum")
    if low is not None or high is not None:
        parts.append(_range(low, high, ""))
    if schema.get("exclusiveMinimum") is not None:
        parts.append(f"Greater than {_number(schema['exclusiveMinimum'])}.")
    if schema.get("exclusiveMaximum") is not None:
        parts.append(f"Less than {_number(schema['exclusiveMaximum'])}.")
    low, high = schema.get("minLength"), schema.get("maxLength")
    if low is not None or high is not None:
        parts.append(_range(low, high, "character"))
    low, high = schema.get("minItems"), schema.get("maxItems")
    if low is not None or high is not None:
        parts.append(_range(low, high, "item"))
    if schema.get("uniqueItems"):
        parts.append("No duplicates.")
    low, high = schema.get("minProperties"), schema.get("maxProperties")
    if low is not None or high is not None:
        parts.append(_range(low, high, "member"))
    items = schema.get("items")
    if isinstance(items, dict) and (inner := constraints(items)):
        parts.append(f"Each item: {inner[0].lower()}{inner[1:]}")
    return " ".join(parts)


def _join(*texts: str) -> str:
    return " ".join(text for text in texts if text)


def resolve(spec: dict[str, Any], node: Any) -> Any:
    """``node``, or what its ``$ref`` points to (local references only), followed to the end."""
    seen: set[str] = set()
    while isinstance(node, dict) and isinstance(node.get("$ref"), str):
        ref = node["$ref"]
        if not ref.startswith("#/") or ref in seen:
            return node
        seen.add(ref)
        target: Any = spec
        for part in ref[2:].split("/"):
            target = target.get(part.replace("~1", "/").replace("~0", "~"), {})
        node = target
    return node


def operations(spec: dict[str, Any]) -> Iterator[tuple[str, str, dict[str, Any], list[Any]]]:
    """Each operation as (METHOD, path, operation, its parameters with the path item's)."""
    for path, item in (spec.get("paths") or {}).items():
        if not isinstance(item, dict):
            continue
        shared = item.get("parameters") or []
        for method in HTTP_METHODS:
            operation = item.get(method)
            if isinstance(operation, dict):
                own = operation.get("parameters") or []
                names = {_parameter_key(spec, entry) for entry in own}
                inherited = [x for x in shared if _parameter_key(spec, x) not in names]
                yield method.upper(), path, operation, [*own, *inherited]


def _parameter_key(spec: dict[str, Any], entry: Any) -> tuple[Any, Any]:
    parameter = resolve(spec, entry)
    return (
        (parameter.get("name"), parameter.get("in"))
        if isinstance(parameter, dict)
        else (None, None)
    )


def parameter_text(spec: dict[str, Any], parameter: dict[str, Any]) -> str:
    """A parameter's line after ``name (type):``: its meaning, limits and default."""
    schema = parameter.get("schema") or {}
    target = resolve(spec, schema)
    merged = {**target, **schema} if isinstance(target, dict) else dict(schema)
    own = parameter.get("description") or ("" if "$ref" in schema else schema.get("description"))
    default = merged.get("default")
    return _join(
        plain_text(own or ""),
        constraints(merged),
        f"Default: {default!r}." if default is not None else "",
    )


def template_facts(spec: dict[str, Any]) -> dict[str, Any]:
    """What the templates read from ``spec_docs.jinja``, keyed by operation module name.

    ``parameters[operation][location][name]``: the text of each parameter's Args line;
    ``bodies[operation]``: the request body's own description, where it has one.
    """
    parameters: dict[str, dict[str, dict[str, str]]] = {}
    bodies: dict[str, str] = {}
    for _method, _path, operation, params in operations(spec):
        name = snake_case(str(operation.get("operationId", "")))
        by_location: dict[str, dict[str, str]] = {where: {} for where in PARAMETER_LOCATIONS}
        for entry in params:
            parameter = resolve(spec, entry)
            if isinstance(parameter, dict) and parameter.get("in") in by_location:
                texts = by_location[parameter["in"]]
                texts[str(parameter.get("name"))] = parameter_text(spec, parameter)
        parameters[name] = {where: texts for where, texts in by_location.items() if texts}
        body = resolve(spec, operation.get("requestBody"))
        if isinstance(body, dict) and body.get("description"):
            bodies[name] = plain_text(str(body["description"]))
    return {"parameter_docs": parameters, "body_docs": bodies}


def jinja_module(facts: dict[str, Any]) -> str:
    """``spec_docs.jinja``: ``facts`` as Jinja variables (JSON is a valid Jinja literal)."""
    lines = [
        "{#- Written by tools/generate.py from openapi.yaml (tools/spec_docs.py, template_facts)",
        "    in place of the empty stand-in templates/spec_docs.jinja. -#}",
    ]
    for name, value in sorted(facts.items()):
        lines.append(f"{{% set {name} = {json.dumps(value, sort_keys=True)} %}}")
    return "\n".join(lines) + "\n"


def with_plain_descriptions(spec: dict[str, Any]) -> dict[str, Any]:
    """A copy of ``spec`` whose descriptions are plain text, each member's ending in its limits."""
    result = copy.deepcopy(spec)
    _plain_walk(result, "")
    return result


def _plain_walk(node: Any, key: str, *, member: bool = False) -> None:
    if isinstance(node, list):
        for item in node:
            _plain_walk(item, "")
        return
    if not isinstance(node, dict):
        return
    if key == "properties":  # names of members, whatever they are called
        for member in node.values():
            if isinstance(member, dict):
                limits = constraints(member)
                text = (
                    plain_text(member["description"])
                    if isinstance(member.get("description"), str)
                    else ""
                )
                if text or limits:
                    member["description"] = _join(text, limits)
                _plain_walk(member, "", member=True)
        return
    for name, value in node.items():
        if name in DATA_KEYS or name.startswith("x-") or (member and name == "description"):
            continue
        if name == "description" and isinstance(value, str):
            node[name] = plain_text(value)
        else:
            _plain_walk(value, name)
