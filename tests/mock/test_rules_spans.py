"""Rules of spans and traces, one test each over HTTP (spans come in through the mock's
control plane, as the API has no operation that creates them)."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any

from tests.support.mock_fixtures import annotation_config
from tests.support.mock_rules import JSON, Ctx, covers

pytest_plugins = [
    "arize_api.mock.pytest_plugin",
    "tests.support.mock_fixtures",
    "tests.support.mock_rules",
]

STAMP = "%Y-%m-%dT%H:%M:%S.%fZ"
NOW = datetime.now(UTC).replace(microsecond=0)


def at(moment: datetime) -> str:
    return moment.strftime(STAMP)


def _span(trace: str, span: str, start: datetime, parent: str | None = None, **extra: Any) -> JSON:
    body: JSON = {
        "name": span,
        "kind": "LLM",
        "start_time": at(start),
        "end_time": at(start + timedelta(seconds=1)),
        "attributes": {},
        "context": {"trace_id": trace, "span_id": span},
        **extra,
    }
    if parent:
        body["parent_id"] = parent
    return body


def _project(ctx: Ctx, spans: list[JSON]) -> str:
    project = ctx.project("traced")
    ctx.mock.add_spans(project, spans)
    return project


def _listed(ctx: Ctx, body: JSON) -> list[str]:
    return [s["context"]["span_id"] for s in ctx.ok("POST", "/v2/spans", body)["spans"]]


@covers("spans.list.bounds-inclusive")
def test_spans__list__bounds_inclusive(ctx: Ctx) -> None:
    start, end = NOW - timedelta(hours=2), NOW - timedelta(hours=1)
    project = _project(
        ctx,
        [
            _span("t", "at-start", start),
            _span("u", "at-end", end),
            _span("v", "after", end + timedelta(seconds=1)),
        ],
    )
    body = {"project_id": project, "start_time": at(start), "end_time": at(end)}
    assert sorted(_listed(ctx, body)) == ["at-end", "at-start"]


@covers("spans.list.cursor-keeps-its-query")
def test_spans__list__cursor_keeps_its_query(ctx: Ctx) -> None:
    project = _project(ctx, [_span(f"t{i}", f"s{i}", NOW - timedelta(minutes=i)) for i in range(3)])
    body = {"project_id": project, "start_time": at(NOW - timedelta(days=1))}
    first = ctx.ok("POST", "/v2/spans", body, params={"limit": 2})
    cursor = first["pagination"]["next_cursor"]
    assert (
        ctx.status(
            "POST", "/v2/spans", {**body, "filter": "name = 's2'"}, params={"cursor": cursor}
        )
        == 400
    )
    rest = ctx.ok("POST", "/v2/spans", body, params={"cursor": cursor, "limit": 5})
    assert [s["name"] for s in rest["spans"]] == ["s2"]


@covers("spans.list.limit-one-to-500")
def test_spans__list__limit_one_to_500(ctx: Ctx) -> None:
    project = _project(ctx, [_span("t", "s", NOW)])
    body = {"project_id": project}
    assert ctx.status("POST", "/v2/spans", body, params={"limit": 501}) == 400
    assert ctx.status("POST", "/v2/spans", body, params={"limit": 500}) == 200


@covers("spans.list.unreadable-project-404")
def test_spans__list__unreadable_project_404(ctx: Ctx) -> None:
    project = _project(ctx, [_span("t", "s", NOW)])
    outsider = ctx.key("none")
    assert ctx.status("POST", "/v2/spans", {"project_id": project}, key=outsider) == 404


@covers("spans.delete.partial-tolerant-and-idempotent")
def test_spans__delete__partial_tolerant_and_idempotent(ctx: Ctx) -> None:
    project = _project(ctx, [_span("t", "a", NOW - timedelta(hours=1))])
    body = {"project_id": project, "span_ids": ["a", "ghost"]}
    answer = ctx.ok("DELETE", "/v2/spans", body)
    assert answer == {
        "completed": True,
        "deleted_span_ids": ["a"],
        "not_deleted_span_ids": ["ghost"],
    }
    again = ctx.ok("DELETE", "/v2/spans", body)
    assert again["deleted_span_ids"] == [] and again["completed"] is True


@covers("spans.delete.default-window-two-years")
def test_spans__delete__default_window_two_years(ctx: Ctx) -> None:
    old = NOW - timedelta(days=2 * 365 + 5)
    project = _project(
        ctx, [_span("t", "ancient", old), _span("u", "recent", NOW - timedelta(days=1))]
    )
    answer = ctx.ok(
        "DELETE", "/v2/spans", {"project_id": project, "span_ids": ["ancient", "recent"]}
    )
    assert answer["deleted_span_ids"] == ["recent"]
    assert answer["not_deleted_span_ids"] == ["ancient"]
    body = {
        "project_id": project,
        "span_ids": ["ancient"],
        "start_time": at(old - timedelta(days=1)),
    }
    assert ctx.ok("DELETE", "/v2/spans", body)["deleted_span_ids"] == ["ancient"]


@covers("spans.delete.outside-the-window-untouched")
def test_spans__delete__outside_the_window_untouched(ctx: Ctx) -> None:
    project = _project(
        ctx,
        [
            _span("t", "early", NOW - timedelta(days=3)),
            _span("u", "late", NOW - timedelta(hours=1)),
        ],
    )
    body = {
        "project_id": project,
        "span_ids": ["early", "late"],
        "start_time": at(NOW - timedelta(days=1)),
    }
    assert ctx.ok("DELETE", "/v2/spans", body)["not_deleted_span_ids"] == ["early"]
    assert _listed(ctx, {"project_id": project}) == ["early"]


@covers("spans.delete.one-to-5000")
def test_spans__delete__one_to_5000(ctx: Ctx) -> None:
    project = _project(ctx, [_span("t", "a", NOW)])
    assert ctx.status("DELETE", "/v2/spans", {"project_id": project, "span_ids": []}) == 422
    body = {"project_id": project, "span_ids": [f"s{i}" for i in range(5001)]}
    assert ctx.status("DELETE", "/v2/spans", body) == 422


def _annotate(ctx: Ctx, project: str, records: list[str], **extra: Any) -> Any:
    annotations = [
        {"record_id": r, "values": [{"name": "quality", "label": "good"}]} for r in records
    ]
    return ctx.call(
        "POST", "/v2/spans/annotate", {"project_id": project, "annotations": annotations, **extra}
    )


@covers("spans.annotate.all-or-nothing-404")
def test_spans__annotate__all_or_nothing_404(ctx: Ctx) -> None:
    annotation_config(ctx.mock, "quality")
    project = _project(ctx, [_span("t", "a", NOW - timedelta(hours=1))])
    assert _annotate(ctx, project, ["a", "ghost"]).status_code == 404
    spans = ctx.ok("POST", "/v2/spans", {"project_id": project})["spans"]
    assert spans[0]["annotations"] == []
    assert _annotate(ctx, project, ["a"]).status_code == 202


@covers("spans.annotate.record-ids-once-400")
def test_spans__annotate__record_ids_once_400(ctx: Ctx) -> None:
    annotation_config(ctx.mock, "quality")
    project = _project(ctx, [_span("t", "a", NOW - timedelta(hours=1))])
    assert _annotate(ctx, project, ["a", "a"]).status_code == 400
    values = [{"name": "quality", "label": "good"}, {"name": "quality", "label": "bad"}]
    body = {"project_id": project, "annotations": [{"record_id": "a", "values": values}]}
    assert ctx.status("POST", "/v2/spans/annotate", body) == 400


@covers("spans.annotate.default-window-31-days")
def test_spans__annotate__default_window_31_days(ctx: Ctx) -> None:
    annotation_config(ctx.mock, "quality")
    project = _project(
        ctx,
        [_span("t", "old", NOW - timedelta(days=40)), _span("u", "new", NOW - timedelta(days=30))],
    )
    assert _annotate(ctx, project, ["new"]).status_code == 202
    assert _annotate(ctx, project, ["old"]).status_code == 404
    window = {"start_time": at(NOW - timedelta(days=45)), "end_time": at(NOW - timedelta(days=20))}
    assert _annotate(ctx, project, ["old"], **window).status_code == 202


@covers("spans.annotate.window-at-most-31-days-not-future")
def test_spans__annotate__window_at_most_31_days_not_future(ctx: Ctx) -> None:
    annotation_config(ctx.mock, "quality")
    project = _project(ctx, [_span("t", "a", NOW - timedelta(hours=1))])
    wide = {"start_time": at(NOW - timedelta(days=40)), "end_time": at(NOW - timedelta(hours=1))}
    assert _annotate(ctx, project, ["a"], **wide).status_code == 422
    future = {"end_time": at(NOW + timedelta(days=1))}
    assert _annotate(ctx, project, ["a"], **future).status_code == 422


@covers("spans.annotate.sessions-7-days-100-records")
def test_spans__annotate__sessions_7_days_100_records(ctx: Ctx) -> None:
    annotation_config(ctx.mock, "quality")
    session = {"attributes": {"session.id": "s-1"}}
    project = _project(ctx, [_span("t", "a", NOW - timedelta(days=3), **session)])
    assert _annotate(ctx, project, ["s-1"], granularity="SESSION").status_code == 202
    wide = {"start_time": at(NOW - timedelta(days=8)), "granularity": "SESSION"}
    assert _annotate(ctx, project, ["s-1"], **wide).status_code == 422
    many = [f"s-{i}" for i in range(101)]
    assert _annotate(ctx, project, many, granularity="SESSION").status_code == 422


@covers("spans.annotate.names-are-configs-of-the-space")
def test_spans__annotate__names_are_configs_of_the_space(ctx: Ctx) -> None:
    project = _project(ctx, [_span("t", "a", NOW - timedelta(hours=1))])
    assert _annotate(ctx, project, ["a"]).status_code == 422  # no config named quality yet


@covers("spans.annotate.upsert-by-name")
def test_spans__annotate__upsert_by_name(ctx: Ctx) -> None:
    annotation_config(ctx.mock, "quality")
    project = _project(ctx, [_span("t", "a", NOW - timedelta(hours=1))])
    _annotate(ctx, project, ["a"])
    body = {
        "project_id": project,
        "annotations": [{"record_id": "a", "values": [{"name": "quality", "label": "bad"}]}],
    }
    assert ctx.status("POST", "/v2/spans/annotate", body) == 202
    (annotation,) = ctx.ok("POST", "/v2/spans", {"project_id": project})["spans"][0]["annotations"]
    assert annotation["label"] == "bad"


# -- traces -------------------------------------------------------------------------------


def _traces(ctx: Ctx, body: JSON) -> list[JSON]:
    return list(ctx.ok("POST", "/v2/traces", body)["traces"])


@covers("traces.list.filter-matches-any-span")
def test_traces__list__filter_matches_any_span(ctx: Ctx) -> None:
    start = NOW - timedelta(hours=1)
    project = _project(
        ctx,
        [
            _span("t1", "root1", start),
            _span("t1", "child1", start, parent="root1", status_code="ERROR"),
            _span("t2", "root2", start - timedelta(minutes=1)),
        ],
    )
    found = _traces(ctx, {"project_id": project, "filter": "status_code = 'ERROR'"})
    assert [t["trace_id"] for t in found] == ["t1"]


@covers("traces.list.rootless-trace-left-out")
def test_traces__list__rootless_trace_left_out(ctx: Ctx) -> None:
    early, late = NOW - timedelta(hours=3), NOW - timedelta(hours=1)
    project = _project(
        ctx,
        [
            _span("t1", "root", early),
            _span("t1", "child", late, parent="root"),
            _span("t2", "other", late),
        ],
    )
    found = _traces(ctx, {"project_id": project, "start_time": at(late - timedelta(minutes=5))})
    assert [t["trace_id"] for t in found] == ["t2"]


@covers("traces.list.one-entry-per-root")
def test_traces__list__one_entry_per_root(ctx: Ctx) -> None:
    start = NOW - timedelta(hours=1)
    project = _project(
        ctx, [_span("t1", "a", start), _span("t1", "b", start - timedelta(minutes=1))]
    )
    found = _traces(ctx, {"project_id": project})
    assert [(t["trace_id"], t["root_span_id"]) for t in found] == [("t1", "a"), ("t1", "b")]


@covers("traces.list.bounds-inclusive")
def test_traces__list__bounds_inclusive(ctx: Ctx) -> None:
    start, end = NOW - timedelta(hours=2), NOW - timedelta(hours=1)
    project = _project(ctx, [_span("t1", "a", start), _span("t2", "b", end)])
    found = _traces(ctx, {"project_id": project, "start_time": at(start), "end_time": at(end)})
    assert sorted(t["trace_id"] for t in found) == ["t1", "t2"]


@covers("traces.list.limit-one-to-50-default-25")
def test_traces__list__limit_one_to_50_default_25(ctx: Ctx) -> None:
    project = _project(
        ctx, [_span(f"t{i}", f"s{i}", NOW - timedelta(minutes=i)) for i in range(30)]
    )
    assert len(_traces(ctx, {"project_id": project})) == 25
    assert ctx.status("POST", "/v2/traces", {"project_id": project}, params={"limit": 51}) == 400
