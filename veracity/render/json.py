"""The JSON report: the Report dataclass as JSON, schema_version 1 (fields documented in docs/json-report.md).

The JSON comes from the dataclasses themselves through pydantic, both ways, so it cannot drift from them;
`json_schema()` gives the JSON Schema of the report.
"""

from __future__ import annotations

import json
import re
from functools import cache
from typing import Any

from pydantic import TypeAdapter, ValidationError

from ..errors import InputError
from ..types import Report

SCHEMA_VERSION = 1
# json escapes C0 controls itself; with ensure_ascii=False it leaves DEL, the C1 controls (a terminal can read
# U+009B as an escape) and the two line separators as they are: these are escaped too.
UNSAFE = re.compile("[\x7f-\x9f\u2028\u2029]")


@cache
def adapter() -> TypeAdapter[Report]:
    return TypeAdapter(Report)


def to_dict(report: Report) -> dict[str, Any]:
    data: dict[str, Any] = adapter().dump_python(report, mode="json")
    return {"schema_version": SCHEMA_VERSION, **data}


def to_json(report: Report) -> str:
    dumped = json.dumps(to_dict(report), ensure_ascii=False, indent=2)
    return UNSAFE.sub(lambda m: f"\\u{ord(m[0]):04x}", dumped)


def from_json(text: str) -> Report:
    data = json.loads(text)
    data.pop("schema_version", None)
    try:
        return adapter().validate_python(data)
    except ValidationError as exc:
        raise InputError(f"a stored report does not match this veracity's report schema ({exc.errors()[0]['msg']} "
                         f"at {'.'.join(str(p) for p in exc.errors()[0]['loc'])}); run the check again") from exc


def json_schema() -> dict[str, Any]:
    schema: dict[str, Any] = adapter().json_schema(mode="serialization")
    schema["properties"] = {"schema_version": {"const": SCHEMA_VERSION, "type": "integer"}, **schema["properties"]}
    return schema
