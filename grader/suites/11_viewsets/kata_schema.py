"""The learner's OpenAPI schema, as drf-spectacular generates it, and ways to read it.

The suite generates the schema itself with drf-spectacular's SchemaGenerator over the project's
URLconf (the learner's library/urls.py), the way GET /api/schema/ does: task 5's checks of the
schema's content do not depend on the learner serving it (task 5, rule 1 checks that apart).
"""

from __future__ import annotations

import json

# Each route of the API and exactly the HTTP methods its schema must list.
EXPECTED_METHODS = {
    "/api/books/": {"get", "post"},
    "/api/books/{id}/": {"get", "put", "patch", "delete"},
    "/api/books/{id}/review/": {"post"},
    "/api/books/mine/": {"get"},
    "/api/reviews/": {"get"},
    "/api/reviews/{id}/": {"get", "patch", "delete"},
}
HTTP_METHODS = {"get", "put", "post", "delete", "options", "head", "patch", "trace"}
REF_PREFIX = "#/components/schemas/"


def generate() -> dict:
    """The schema as plain JSON data (what /api/schema/?format=json would answer)."""
    from drf_spectacular.generators import SchemaGenerator
    from drf_spectacular.renderers import OpenApiJsonRenderer

    schema = SchemaGenerator().get_schema(request=None, public=True)
    return json.loads(OpenApiJsonRenderer().render(schema))


def methods_of(schema: dict, path: str) -> set[str] | None:
    operations = schema.get("paths", {}).get(path)
    return None if operations is None else {m for m in operations if m in HTTP_METHODS}


def operation(schema: dict, path: str, method: str) -> dict:
    return schema.get("paths", {}).get(path, {}).get(method) or {}


def ref_name(schema_object) -> str | None:
    """``{"$ref": "#/components/schemas/BookList"}`` → ``"BookList"``; anything else → None."""
    ref = schema_object.get("$ref") if isinstance(schema_object, dict) else None
    return ref.removeprefix(REF_PREFIX) if isinstance(ref, str) else None


def request_component(op: dict) -> str | None:
    content = op.get("requestBody", {}).get("content", {})
    return ref_name(content.get("application/json", {}).get("schema"))


def response_schema(op: dict, code: str) -> dict | None:
    content = op.get("responses", {}).get(code, {}).get("content", {})
    return content.get("application/json", {}).get("schema")


def response_component(op: dict, code: str) -> str | None:
    return ref_name(response_schema(op, code))


def page_item_component(schema: dict, op: dict) -> tuple[str | None, str | None]:
    """(the page's component, the component of one item in its ``results``) of a list answer."""
    page = response_component(op, "200")
    component = schema.get("components", {}).get("schemas", {}).get(page or "", {})
    results = component.get("properties", {}).get("results", {})
    return page, ref_name(results.get("items"))


def describe_operation(op: dict) -> str:
    """A short account of what the schema says about one operation, for failure messages."""
    if not op:
        return "the schema has no such operation"
    answers = {code: ref_name(response_schema(op, code)) for code in op.get("responses", {})}
    return f"request body: {request_component(op)}, responses: {answers}"
