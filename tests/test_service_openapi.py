"""The OpenAPI document against the service's real responses, in-process through httpx.ASGITransport."""

from __future__ import annotations

import re
import shutil
from typing import Any

import pytest

from conftest import asgi_caller
from veracity.service import create_app
from veracity.settings import Settings

TYPES: dict[str, Any] = {"object": dict, "string": str, "integer": int, "array": list, "boolean": bool,
                         "null": type(None), "number": (int, float)}


@pytest.fixture(scope="module")
def call(demo_engine, tmp_path_factory):
    db = tmp_path_factory.mktemp("openapi") / "o.db"
    shutil.copy(demo_engine.settings.db, db)
    app = create_app(Settings.load(db=db, api_token="", requests_per_minute=0), workers=0)

    return asgi_caller(app)


def problems(value: Any, schema: dict[str, Any], spec: dict[str, Any], where: str = "$") -> list[str]:
    """Where value does not match schema (the parts of JSON Schema FastAPI emits); every key must be declared."""
    while "$ref" in schema:
        schema = spec["components"]["schemas"][schema["$ref"].rsplit("/", 1)[1]]
    if "anyOf" in schema:
        tries = [problems(value, option, spec, where) for option in schema["anyOf"]]
        return [] if any(not t for t in tries) else [f"{where}: {value!r} matches none of anyOf"]
    kind = schema.get("type")
    if kind and not (isinstance(value, TYPES[kind]) and not (kind == "integer" and isinstance(value, bool))):
        return [f"{where}: {value!r} is not {kind}"]
    found: list[str] = []
    if kind == "object":
        properties = schema.get("properties", {})
        found += [f"{where}: {key!r} is missing" for key in schema.get("required", ()) if key not in value]
        for key, item in value.items():
            if key in properties:
                found += problems(item, properties[key], spec, f"{where}.{key}")
            elif not schema.get("additionalProperties"):
                found.append(f"{where}: {key!r} is not declared")
    if kind == "array" and "items" in schema:
        for i, item in enumerate(value):
            found += problems(item, schema["items"], spec, f"{where}[{i}]")
    return found


def declared(spec: dict[str, Any], method: str, path: str, status: int) -> dict[str, Any]:
    responses = spec["paths"][path][method.lower()]["responses"]
    response = responses.get(str(status), responses["default"])
    schema: dict[str, Any] = response["content"]["application/json"]["schema"]
    return schema


def test_the_openapi_document_matches_real_responses(call) -> None:
    spec = call("GET", "/openapi.json").json()
    assert "HTTPValidationError" not in spec["components"]["schemas"]
    body = spec["components"]["schemas"]["CheckIn"]["properties"]
    assert {"question", "as_of", "web", "llm"} <= set(body)
    cases = [("POST", "/api/checks", "/api/checks", {"json": {}}, 422),
             ("POST", "/api/checks", "/api/checks", {"json": {"question": 7}}, 422),
             ("POST", "/api/checks", "/api/checks", {"json": {"question": "  "}}, 400),
             ("POST", "/api/checks", "/api/checks", {"json": {"question": "x?", "as_of": "soon"}}, 400),
             ("POST", "/api/checks", "/api/checks", {"json": {"question": "Did Chicago cooperate with ICE?"}}, 202),
             ("GET", "/api/checks", "/api/checks?limit=abc", {}, 422),
             ("GET", "/api/checks", "/api/checks?limit=1", {}, 200),
             ("GET", "/api/checks/{job_id}", "/api/checks/nope", {}, 404),
             ("GET", "/api/documents", "/api/documents?limit=0", {}, 400),
             ("GET", "/api/search", "/api/search", {}, 422),
             ("GET", "/api/search", "/api/search?q=ICE", {}, 200),
             ("DELETE", "/api/checks/{job_id}", "/api/checks/nope", {}, 404)]
    for method, path, url, kw, status in cases:
        response = call(method, url, **kw)
        assert response.status_code == status, (url, response.text)
        schema = declared(spec, method, path, status)
        assert not problems(response.json(), schema, spec), (url, response.json(), problems(response.json(), schema, spec))
        if status >= 400:
            assert schema == {"$ref": "#/components/schemas/Error"} and set(response.json()) == {"error"}


def test_docs_list_the_body_fields(call) -> None:
    page = call("GET", "/docs").text
    section = re.search(r"<h2><code>POST /api/checks</code></h2>(.*?)</section>", page, re.S)
    assert section, page[:500]
    for field in ("question", "as_of", "web", "llm"):
        assert f"<code>{field}</code> (body" in section.group(1), field
    assert "ignore evidence published after this date" in section.group(1)
    uploads = re.search(r"<h2><code>POST /api/documents</code></h2>(.*?)</section>", page, re.S)
    assert uploads and "<code>files</code> (form, required)" in uploads.group(1)
