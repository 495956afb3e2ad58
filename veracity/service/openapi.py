"""The OpenAPI document as the service really answers, and the operations /docs lists.

FastAPI declares a 422 as `{"detail": [...]}`; the service answers every error, 422 included, as
`{"error": {"status", "code", "message", "id"?}}` (app.py), so the document says that instead."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from fastapi import FastAPI
from fastapi.openapi.utils import get_openapi
from pydantic import BaseModel, Field

REF = "#/components/schemas/{model}"


class ErrorBody(BaseModel):
    status: int = Field(description="the HTTP status, again")
    code: str = Field(description="a short word for the kind of error, e.g. invalid, bad_input, unauthorized")
    message: str = Field(description="one line: what was wrong and how to fix it")
    id: str | None = Field(None, description="500 only: the id under which the server logged the error")


class Error(BaseModel):
    """Every error the service answers, whatever its status."""

    error: ErrorBody


def error_response(description: str) -> dict[str, Any]:
    return {"description": description, "content": {"application/json": {"schema": {"$ref": REF.format(model="Error")}}}}


def document(app: FastAPI) -> dict[str, Any]:
    """The app's OpenAPI document, with the errors it really sends (built once)."""
    if app.openapi_schema:
        return app.openapi_schema
    spec = get_openapi(title=app.title, version=app.version, description=app.description, routes=app.routes)
    schemas = spec.setdefault("components", {}).setdefault("schemas", {})
    for name in ("HTTPValidationError", "ValidationError"):
        schemas.pop(name, None)
    error = Error.model_json_schema(ref_template=REF)
    schemas.update(error.pop("$defs", {}))
    schemas["Error"] = error
    for operations in spec["paths"].values():
        for operation in operations.values():
            responses = operation.setdefault("responses", {})
            if "422" in responses:
                responses["422"] = error_response("a field is missing or has the wrong type")
            responses["default"] = error_response("any other error (400, 401, 404, 409, 413, 415, 429, 500, 503)")
    app.openapi_schema = spec
    return spec


@dataclass(frozen=True)
class Param:
    name: str
    where: str  # query, path, header, body (JSON) or form (multipart)
    required: bool
    description: str


@dataclass(frozen=True)
class Operation:
    method: str
    path: str
    summary: str
    params: tuple[Param, ...]


def resolve(spec: dict[str, Any], schema: dict[str, Any]) -> dict[str, Any]:
    while "$ref" in schema:
        schema = spec["components"]["schemas"][schema["$ref"].rsplit("/", 1)[1]]
    return schema


def operations(spec: dict[str, Any]) -> list[Operation]:
    """Every operation with its parameters: query, path and header ones, and the fields of its body."""
    out = []
    for path, ops in spec["paths"].items():
        for method, op in ops.items():
            params = [Param(p["name"], p["in"], bool(p.get("required")), p.get("description", ""))
                      for p in op.get("parameters", [])]
            for media, content in op.get("requestBody", {}).get("content", {}).items():
                body = resolve(spec, content["schema"])
                where = "body" if media == "application/json" else "form"
                params += [Param(name, where, name in body.get("required", ()), prop.get("description", ""))
                           for name, prop in body.get("properties", {}).items()]
            out.append(Operation(method.upper(), path, op.get("summary", ""), tuple(params)))
    return out
