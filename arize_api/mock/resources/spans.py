"""Spans and traces of a project: search (filters in the body, paging in the query), delete,
annotate. Nothing in the API creates spans (they arrive through OpenTelemetry): the mock takes
them from ``add_spans`` (``POST /_mock/spans``, ``MockServer.add_spans``).

Spans are documents owned by their project; the time window applies to a span's
``start_time``, both bounds inclusive. A trace is the spans sharing a ``trace_id`` in the
window, anchored on a root span (one without a parent): a trace whose root is outside the
window is left out, and one with two roots is two entries. A trace search keeps the traces
with at least one span the ``filter`` matches. Deleting looks at the last two years unless
told otherwise; annotating at the 31 days (sessions: 7) before ``end_time`` (default now),
never in the future, at most that long, and all or nothing: a record not found is a 404.
Annotations are kept per span, trace or session and shown on the spans.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from datetime import timedelta
from typing import Any

from ..annotations import annotate
from ..auth import Action
from ..call import Call, handles
from ..crud import authorized, bulk_delete, page_of
from ..filters import compile_filter
from ..models import Document, rfc3339
from ..problems import bad_request, unprocessable
from ..state import MockState
from ..validation import parse_datetime

__all__ = ["add_spans", "in_window", "sessions_of", "traces_of", "wire"]

JSON = dict[str, Any]
KIND = "span"
REQUIRED = ("name", "context", "kind", "start_time", "end_time")
ATTRIBUTES = "attributes."
SESSION_ATTRIBUTE = "session.id"
MAX_TRACE_SPANS = 1000  # a trace shows at most this many spans (then spans_truncated)
DELETE_LOOKBACK = timedelta(days=2 * 365)  # deletes search this far back by default
ANNOTATE_WINDOW = {"SPAN": timedelta(days=31), "TRACE": timedelta(days=31)}
SESSION_WINDOW = timedelta(days=7)
MAX_SESSION_RECORDS = 100


def add_spans(state: MockState, project: Document, spans: Iterable[Mapping[str, Any]]) -> int:
    """Store ``spans`` (``Span`` objects of the spec) in ``project``; a span id already
    there is replaced. Returns how many were stored."""
    count = 0
    with state.lock:
        for span in spans:
            span_id = str(span["context"]["span_id"])
            doc_id = f"{project.id}:{span_id}"
            old = state.document(KIND, doc_id)
            if old is not None:
                state.delete_document(old)
            doc = state.add_document(
                KIND,
                dict(span),
                doc_id=doc_id,
                scope=(project.space_id,),
                owners=(project.id,),
                stamp=False,  # a span is named by its context and timed by itself
            )
            doc.private["start"] = parse_datetime(span["start_time"], "start_time")
            count += 1
    return count


def project_for(call: Call, project_id: str, action: Action) -> Document:
    """The project a body names, authorized for ``action`` (404 when unreadable)."""
    return authorized(call, call.state.projects, project_id, "project", action)


def in_window(
    call: Call,
    project_id: str,
    start: Any,
    end: Any,
    *,
    lookback: timedelta | None = None,
    longest: timedelta | None = None,
) -> list[Document]:
    """The project's spans starting within [start, end], both inclusive. A missing bound is
    open, unless ``lookback`` is given: then ``end`` defaults to now and ``start`` to
    ``lookback`` before ``end``; ``longest`` caps the window (422), as does a future bound."""
    low = parse_datetime(start, "start_time") if start is not None else None
    high = parse_datetime(end, "end_time") if end is not None else None
    if lookback is not None:
        now = call.state.now()
        high = high or now
        low = low or high - lookback
        if low > now or high > now:
            raise unprocessable("start_time and end_time may not be in the future")
    if low is not None and high is not None and low >= high:
        raise unprocessable("start_time must be before end_time")
    if longest is not None and low is not None and high is not None and high - low > longest:
        raise unprocessable(f"the time window may span at most {longest.days} days")
    return [
        doc
        for doc in call.state.store(KIND).values()
        if project_id in doc.owners
        and (low is None or doc.private["start"] >= low)
        and (high is None or doc.private["start"] <= high)
    ]


def _target(call: Call, project_id: str, granularity: str, record_id: str) -> JSON:
    """The annotations of one span, trace or session (by name)."""
    doc_id = f"{granularity}:{project_id}:{record_id}"
    target = call.state.document("annotation_target", doc_id)
    if target is None:
        target = call.state.add_document(
            "annotation_target", {}, doc_id=doc_id, owners=(project_id,), stamp=False
        )
    annotations: JSON = target.private.setdefault("annotations", {})
    return annotations


def _annotations(call: Call, project_id: str, granularity: str, record_id: str) -> list[JSON]:
    target = call.state.document("annotation_target", f"{granularity}:{project_id}:{record_id}")
    return list(target.private.get("annotations", {}).values()) if target else []


def wire(call: Call, span: Document) -> JSON:
    """A stored span with its span and trace annotations."""
    project_id = span.owners[0]
    context = span.data["context"]
    return {
        **span.data,
        "annotations": _annotations(call, project_id, "SPAN", context["span_id"]),
        "trace_annotations": _annotations(call, project_id, "TRACE", context["trace_id"]),
    }


def traces_of(spans: Iterable[Document]) -> dict[str, list[Document]]:
    """Spans grouped by trace id, in the order their traces first appear."""
    traces: dict[str, list[Document]] = {}
    for span in spans:
        traces.setdefault(span.data["context"]["trace_id"], []).append(span)
    return traces


def sessions_of(spans: Iterable[Document]) -> dict[str, set[str]]:
    """Session id (the ``session.id`` attribute) -> its trace ids."""
    sessions: dict[str, set[str]] = {}
    for span in spans:
        session = (span.data.get("attributes") or {}).get(SESSION_ATTRIBUTE)
        if isinstance(session, str):
            sessions.setdefault(session, set()).add(span.data["context"]["trace_id"])
    return sessions


def _roots(spans: Sequence[Document]) -> list[Document]:
    """The spans of a trace without a parent, earliest first."""
    roots = [s for s in spans if not s.data.get("parent_id")]
    return sorted(roots, key=lambda s: (s.private["start"], s.seq))


def _position(span: Document) -> tuple[str, str, str]:
    """Where a span (or the trace it is the root of) goes in a list: spans and traces list
    newest ``start_time`` first, trace and span ids breaking ties."""
    context = span.data["context"]
    return (rfc3339(span.private["start"]), str(context["trace_id"]), str(context["span_id"]))


def _shaped(body: Mapping[str, Any], span: JSON) -> JSON:
    """``included_columns``/``excluded_columns`` (members, or ``attributes.<key>``) and
    ``truncate_string_length`` applied; the required members always stay."""
    included, excluded = body.get("included_columns"), body.get("excluded_columns")
    out = dict(span)
    attributes = dict(out.get("attributes") or {})
    if included:
        keys = {c[len(ATTRIBUTES) :] for c in included if c.startswith(ATTRIBUTES)}
        out = {k: v for k, v in out.items() if k in REQUIRED or k in included}
        if keys and "attributes" not in included:
            out["attributes"] = {k: v for k, v in attributes.items() if k in keys}
    if excluded:
        keys = {c[len(ATTRIBUTES) :] for c in excluded if c.startswith(ATTRIBUTES)}
        out = {k: v for k, v in out.items() if k in REQUIRED or k not in excluded}
        if keys and "attributes" in out:
            out["attributes"] = {k: v for k, v in attributes.items() if k not in keys}
    if (length := body.get("truncate_string_length")) is not None:
        if isinstance(out.get("attributes"), dict):
            out["attributes"] = {
                k: v[:length] if isinstance(v, str) else v for k, v in out["attributes"].items()
            }
        if isinstance(out.get("status_message"), str):
            out["status_message"] = out["status_message"][:length]
    return out


@handles("listSpans")
def list_spans(call: Call) -> Any:
    body: JSON = call.body
    if body.get("included_columns") and body.get("excluded_columns"):
        raise unprocessable("give included_columns or excluded_columns, not both")
    project = project_for(call, str(body["project_id"]), Action.READ)
    keep = compile_filter(body.get("filter"))
    found = in_window(call, project.id, body.get("start_time"), body.get("end_time"))
    views = [(_position(span), view) for span in found if keep(view := wire(call, span))]
    return page_of(
        call,
        "spans",
        views,
        order=lambda pair: pair[0],
        newest_first=True,
        render=lambda pair: call.render_item("spans", _shaped(body, pair[1])),
        filters=body,
    )


@handles("listTraces")
def list_traces(call: Call) -> Any:
    body: JSON = call.body
    project = project_for(call, str(body["project_id"]), Action.READ)
    keep = compile_filter(body.get("filter"))
    found = in_window(call, project.id, body.get("start_time"), body.get("end_time"))
    traces = []
    for trace_id, spans in traces_of(found).items():
        if not any(keep(wire(call, span)) for span in spans):
            continue  # a trace search keeps traces holding a matching span
        shown = spans[:MAX_TRACE_SPANS]
        for root in _roots(spans):  # no root in the window: no entry
            trace = {
                "trace_id": trace_id,
                "root_span_id": root.data["context"]["span_id"],
                "start_time": min(spans, key=lambda s: s.private["start"]).data["start_time"],
                "end_time": max(str(s.data["end_time"]) for s in spans),
                "spans_truncated": len(spans) > len(shown),
                "spans": [wire(call, span) for span in shown],
            }
            traces.append((_position(root), trace))
    return page_of(
        call,
        "traces",
        traces,
        order=lambda pair: pair[0],
        newest_first=True,
        render=lambda pair: call.render_item("traces", pair[1]),
        filters=body,
    )


@handles("deleteSpans")
def delete_spans(call: Call) -> Any:
    """Deletes the listed spans found in the window; reports the others. A ``partial`` fault
    stops half-way and answers 503 with what was and was not deleted."""
    body: JSON = call.body
    project = project_for(call, str(body["project_id"]), Action.WRITE)
    start, end = body.get("start_time"), body.get("end_time")
    found = in_window(call, project.id, start, end, lookback=DELETE_LOOKBACK)
    by_id = {span.data["context"]["span_id"]: span for span in found}

    def delete(span_ids: list[str]) -> None:
        for span_id in span_ids:
            call.state.delete_document(by_id[span_id])

    return bulk_delete(call, "span", body["span_ids"], by_id, delete)


@handles("annotateSpans")
def annotate_spans(call: Call) -> None:
    """Upsert annotations on spans, traces or sessions (``granularity``) of the project."""
    body: JSON = call.body
    project = project_for(call, str(body["project_id"]), Action.ANNOTATE)
    granularity = str(body.get("granularity") or "SPAN")
    window = ANNOTATE_WINDOW.get(granularity, SESSION_WINDOW)
    start, end = body.get("start_time"), body.get("end_time")
    found = in_window(call, project.id, start, end, lookback=window, longest=window)
    records = [str(entry["record_id"]) for entry in body["annotations"]]
    if len(set(records)) != len(records):
        raise bad_request("each record_id may appear once per request")
    if any(len({v["name"] for v in e["values"]}) != len(e["values"]) for e in body["annotations"]):
        raise bad_request("a record's values may name each annotation config once")
    if granularity == "SESSION" and len(records) > MAX_SESSION_RECORDS:
        raise unprocessable(f"at most {MAX_SESSION_RECORDS} sessions are annotated per request")
    if granularity == "SPAN":
        known = {span.data["context"]["span_id"] for span in found}
    elif granularity == "TRACE":
        known = set(traces_of(found))
    else:
        known = set(sessions_of(found))

    def annotations_of(record_id: str) -> JSON | None:
        if record_id not in known:
            return None
        return _target(call, project.id, granularity, record_id)

    annotate(call, annotations_of, granularity.lower(), project.space_id, all_or_nothing=True)
