"""The spec's prose on its way to docstrings: the description check and the plain-text rules.

These test tools/generate.py and tools/spec_docs.py on small specs written here, not on
openapi.yaml, so they hold before and after its prose lands (REQUIRE_DESCRIPTIONS either way).
"""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Any

import pytest

from tests.support import paths

ROOT = paths.ROOT
sys.path.insert(0, str(ROOT / "tools"))

import check_verbatim  # noqa: E402
import generate  # noqa: E402
import spec_docs  # noqa: E402


def small_spec() -> dict[str, Any]:
    thing = {
        "type": "object",
        "properties": {
            "id": {"type": "string"},
            "name": {"type": "string"},
            "weight": {"type": "number"},
            "colour": {"type": "string", "description": "Paint colour."},
            "owner": {"$ref": "#/components/schemas/Owner"},
            "shape": {"$ref": "#/components/schemas/Shape"},
            "label": {"$ref": "#/components/schemas/Shape", "description": "Its own words."},
            "parts": {
                "type": "array",
                "items": {"type": "object", "properties": {"size": {"type": "integer"}}},
            },
        },
    }
    return {
        "openapi": "3.1.0",
        "info": {"title": "t", "version": "1"},
        "paths": {
            "/v2/things": {
                "get": {
                    "operationId": "listThings",
                    "summary": "List things",
                    "description": "Lists the things, newest first.",
                    "parameters": [
                        {"name": "limit", "in": "query", "schema": {"type": "integer"}},
                        {
                            "name": "cursor",
                            "in": "query",
                            "description": "Where to start.",
                            "schema": {"type": "string"},
                        },
                        {"$ref": "#/components/parameters/thingKind"},
                    ],
                    "responses": {"200": {"description": "ok"}},
                },
                "post": {
                    "operationId": "createThing",
                    "summary": "Create a thing",
                    "description": "  ",
                    "parameters": [{"$ref": "#/components/parameters/thingKind"}],
                    "requestBody": {
                        "content": {
                            "application/json": {
                                "schema": {
                                    "type": "object",
                                    "properties": {
                                        "label": {"type": "string"},
                                        "updated_at": {"type": "string"},
                                    },
                                }
                            }
                        }
                    },
                    "responses": {"201": {"description": "created"}},
                },
            },
            "/v2/things/{thing_id}": {
                "parameters": [
                    {
                        "name": "thing_id",
                        "in": "path",
                        "required": True,
                        "schema": {"type": "string", "description": "The thing."},
                    }
                ],
                "get": {
                    "operationId": "getThing",
                    "summary": "Get a thing",
                    "description": "Gets one thing.",
                    "responses": {"200": {"description": "ok"}},
                },
            },
        },
        "components": {
            "parameters": {
                "thingKind": {"name": "kind", "in": "query", "schema": {"type": "string"}}
            },
            "schemas": {
                "Thing": thing,
                "Owner": {
                    "type": "object",
                    "description": "Who owns a thing.",
                    "properties": {"email": {"type": "string"}},
                },
                "Shape": {"type": "string", "enum": ["round", "square"]},
            },
        },
    }


def test_the_check_lists_every_operation_parameter_and_member_without_a_description() -> None:
    report = generate.missing_descriptions(small_spec())
    assert sorted(report.missing) == sorted(
        [
            "operation createThing (POST /v2/things)",  # blank counts as missing
            "parameter query limit (listThings)",
            # a components/parameters entry: reported once, though two operations use it
            "parameter query kind (#/components/parameters/thingKind, used by listThings)",
            "member Thing.weight",
            "member Thing.shape",  # a $ref to a schema that has no description either
            "member Thing.parts",
            "member Thing.parts[].size",  # members of an array's items too
            "member Owner.email",
            "member createThing requestBody.label",  # inline schemas are walked too
        ]
    )
    # Names that say it all are let off, and counted; a path-level parameter described on its
    # schema, and a $ref member whose schema (Owner) or whose own sibling text describes it, pass.
    assert sorted(report.allowlisted) == [
        "Thing.id",
        "Thing.name",
        "createThing requestBody.updated_at",
    ]
    assert report.counts == {"operations": 3, "parameters": 4, "members": 12}
    assert report.gaps == {"operations": 1, "parameters": 2, "members": 6}
    assert "3 members allowed by SELF_EXPLAINING_MEMBERS" in report.summary()


def test_the_allowlist_is_short_and_explicit() -> None:
    assert {"id", "name", "created_at", "updated_at", "next_cursor"} <= (
        generate.SELF_EXPLAINING_MEMBERS
    )
    assert len(generate.SELF_EXPLAINING_MEMBERS) <= 12
    assert isinstance(generate.REQUIRE_DESCRIPTIONS, bool)


def test_the_check_fails_with_a_list_only_when_required(capsys: pytest.CaptureFixture[str]) -> None:
    report = generate.missing_descriptions(small_spec())
    assert generate.check_descriptions(report, required=False) == 0
    relaxed = capsys.readouterr().out
    assert "not enforced" in relaxed
    assert "member Thing.weight" not in relaxed
    assert "3 members allowed by SELF_EXPLAINING_MEMBERS" in relaxed

    assert generate.check_descriptions(report, required=True) == 1
    strict = capsys.readouterr().out
    assert "  member Thing.weight\n" in strict
    assert "  operation createThing (POST /v2/things)\n" in strict
    assert "not enforced" not in strict


def test_a_fully_described_spec_passes_the_strict_check(capsys: pytest.CaptureFixture[str]) -> None:
    spec = small_spec()
    for _method, _path, operation, parameters in spec_docs.operations(spec):
        operation["description"] = "Does it."
        for entry in parameters:
            spec_docs.resolve(spec, entry)["description"] = "Means it."

    def describe(schema: dict[str, Any]) -> None:
        for member in (schema.get("properties") or {}).values():
            member.setdefault("description", "A member.")
            describe(member)
        if isinstance(schema.get("items"), dict):
            describe(schema["items"])

    for schema in spec["components"]["schemas"].values():
        describe(schema)
    describe(
        spec["paths"]["/v2/things"]["post"]["requestBody"]["content"]["application/json"]["schema"]
    )
    report = generate.missing_descriptions(spec)
    assert report.missing == []
    assert generate.check_descriptions(report, required=True) == 0
    assert "0 of 3 operations, 0 of 4 parameters, 0 of 12 members" in capsys.readouterr().out


@pytest.mark.parametrize(
    ("source", "plain"),
    [
        # a folded YAML scalar: a blank line became one newline after a sentence
        (
            "Lists things. Newest first.\nReturns 404 when missing.",
            "Lists things. Newest first.\n\nReturns 404 when missing.",
        ),
        # a literal scalar: hard-wrapped lines joined, blank lines kept as paragraph breaks
        (
            "Adds rows to\nthe dataset.\n\nSafe to repeat.",
            "Adds rows to the dataset.\n\nSafe to repeat.",
        ),
        ("A line that ends\nmid-sentence.", "A line that ends mid-sentence."),
        # lists keep a line per item; tables become lines; markup goes
        ("Rules:\n\n- one\n  more\n- `two_x`", "Rules:\n\n- one more\n- `two_x`"),
        (
            "| status | when |\n|---|---|\n| `409` | a **duplicate** name |\n| 422 | bad |",
            "status: when\n- `409`: a duplicate name\n- 422: bad",
        ),
        (
            "<Warning>In alpha, see [the docs](https://example.com/x).</Warning> a &amp; b<br/>",
            "In alpha, see the docs (https://example.com/x). a & b",
        ),
        ("## Limits\nAt most 100.", "Limits\n\nAt most 100."),
        (
            "Names like `<dataset_id>` and __init__ stay.",
            "Names like `<dataset_id>` and __init__ stay.",
        ),
        (
            'Body:\n\n```json\n{\n  "a": 1\n}\n```\nDone.',
            'Body:\n\n    {\n      "a": 1\n    }\n\nDone.',
        ),
        ("", ""),
    ],
)
def test_plain_text(source: str, plain: str) -> None:
    assert spec_docs.plain_text(source) == plain
    assert spec_docs.plain_text(plain) == plain  # already plain: unchanged


@pytest.mark.parametrize(
    ("schema", "text"),
    [
        ({"type": "integer", "minimum": 1, "maximum": 100}, "From 1 to 100."),
        ({"type": "string", "maxLength": 255}, "At most 255 characters."),
        ({"type": "string", "minLength": 1}, "At least 1 character."),
        (
            {"type": "array", "minItems": 1, "maxItems": 20, "items": {"maxLength": 255}},
            "1 to 20 items. Each item: at most 255 characters.",
        ),
        ({"type": "array", "uniqueItems": True}, "No duplicates."),
        ({"type": "object", "minProperties": 1}, "At least 1 member."),
        ({"type": "string"}, ""),
    ],
)
def test_constraints(schema: dict[str, Any], text: str) -> None:
    assert spec_docs.constraints(schema) == text


def test_a_parameter_line_has_its_meaning_limits_and_default() -> None:
    spec = small_spec()
    limit = {"name": "limit", "in": "query", "description": "Page size.", "schema": {}}
    limit["schema"] = {"type": "integer", "minimum": 1, "maximum": 100, "default": 50}
    assert spec_docs.parameter_text(spec, limit) == "Page size. From 1 to 100. Default: 50."
    shape = {"name": "shape", "in": "query", "schema": {"$ref": "#/components/schemas/Shape"}}
    assert spec_docs.parameter_text(spec, shape) == ""  # not the referenced schema's text
    facts = spec_docs.template_facts(spec)["parameter_docs"]
    assert facts["get_thing"] == {"path": {"thing_id": "The thing."}}  # from the path item
    assert facts["list_things"]["query"]["cursor"] == "Where to start."


def test_check_verbatim_finds_runs_of_ten_words_shared_with_the_sdk(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """tools/check_verbatim.py on a made-up SDK (the real one is for humans and the merger)."""
    sdk = tmp_path / "unpacked" / "arize" / "_generated" / "api_client"
    (sdk / "api").mkdir(parents=True)
    (sdk / "models").mkdir()
    (sdk / "api" / "things_api.py").write_text(
        'def create_thing():\n    """Create a thing\n\n    The thing is stored in the space and'
        ' can be shared with every member of it.\n    """\n'
    )
    (sdk / "models" / "thing.py").write_text(
        "from pydantic import Field\n"
        'size = Field(description="Size of the thing in whole millimetres, rounded down by the'
        ' server")\n'
        "# Code is not prose: one two three four five six seven eight nine ten eleven\n"
    )
    spec = {
        "paths": {
            "/v2/things": {
                "post": {
                    "summary": "Create a thing",
                    "description": "Ours. The thing is stored in the space and can be shared"
                    " with every member of it, we say.",
                }
            }
        },
        "components": {
            "schemas": {
                "Thing": {
                    "properties": {
                        "size": {"description": "Size of the thing in whole millimetres."},
                        "code": {"description": "one two three four five six seven eight nine ten"},
                    },
                    "example": {"description": "The thing is stored in the space and can be"},
                }
            }
        },
    }
    hits = check_verbatim.find_hits(spec, tmp_path / "unpacked")
    assert [(hit.pointer, len(hit.run), hit.source) for hit in hits] == [
        ("/paths/~1v2~1things/post/description", 16, "api/things_api.py:2"),
    ]
    assert check_verbatim.report(hits, 10) == 1
    assert "1 description(s) or summary(ies) share a run of 10+ words" in capsys.readouterr().out
    assert check_verbatim.find_hits(spec, sdk, size=17) == []  # --words 17: the run is 16
    assert check_verbatim.report([], 10) == 0
