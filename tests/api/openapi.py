"""Checks a real response against the OpenAPI document: its status is declared for the
operation, and its JSON body validates against the declared schema (JSON Schema 2020-12,
which OpenAPI 3.1 uses)."""

from __future__ import annotations

import json
import re
from functools import cached_property

import jsonschema_rs

PREFIX = "/api/v1/"
NOT_DOCUMENTED = ("/api/v1/openapi.json", "/api/v1/docs")


class OpenApiDocument:
    def __init__(self, document: dict):
        self.document = document

    @cached_property
    def routes(self) -> list[tuple[re.Pattern, str]]:
        routes = []
        for path in self.document["paths"]:
            pattern = re.sub(r"\\\{[^}]+\\\}", "[^/]+", re.escape(path))
            routes.append((re.compile(f"^{pattern}$"), path))
        # Literal segments win over parameters: /events/registrations before /events/{slug}.
        routes.sort(key=lambda route: route[1].count("{"))
        return routes

    def operation(self, method: str, path: str) -> tuple[str, dict] | None:
        for pattern, template in self.routes:
            if pattern.match(path):
                operation = self.document["paths"][template].get(method.lower())
                if operation is not None:
                    return template, operation
        return None

    def problems(self, method: str, path: str, status: int, content_type: str, body: bytes):
        """What is wrong with this response, as sentences; empty when it matches."""
        if not path.startswith(PREFIX) or path.startswith(NOT_DOCUMENTED):
            return []
        found = self.operation(method, path)
        if found is None:
            return [] if status in (404, 405) else [f"{method} {path}: no such operation"]
        template, operation = found
        responses = operation.get("responses", {})
        declared = responses.get(str(status))
        if declared is None:
            return [f"{method} {template} answered {status}, not declared ({sorted(responses)})"]
        content = declared.get("content")
        if not content:
            return [f"{method} {template} {status}: a body where none is declared"] if body else []
        if "application/json" not in content_type:
            return [f"{method} {template} {status}: {content_type}, not JSON"]
        schema = content.get("application/json", {}).get("schema", {})
        validator = jsonschema_rs.Draft202012Validator(
            {**schema, "components": self.document["components"]}
        )
        errors = list(validator.iter_errors(json.loads(body)))[:5]
        return [
            f"{method} {template} {status}: "
            f"{'/'.join(map(str, e.instance_path)) or '(body)'}: {e.message}"
            for e in errors
        ]
