"""The OpenAPI document describes the API as it is: one schema per name, and every response
that the whole suite receives from /api/v1/ is checked against it (tests/conftest.py)."""

import json
import re

from clusterhub.api import api

from .openapi import OpenApiDocument


def component_classes():
    """Every schema class that the API's operations name, by the name the document uses."""
    seen: dict[str, set] = {}

    def visit(model):
        if model is None or not hasattr(model, "model_fields"):
            return
        key = f"{model.__module__}.{model.__qualname__}"
        if key in seen.setdefault(model.__name__, set()):
            return
        seen[model.__name__].add(key)
        for field in model.model_fields.values():
            for arg in _types_in(field.annotation):
                visit(arg)

    for router_path, router in api._routers:
        for path_view in router.path_operations.values():
            for operation in path_view.operations:
                for response in operation.response_models.values():
                    if hasattr(response, "model_fields"):
                        visit(response.model_fields["response"].annotation)
                        for arg in _types_in(response.model_fields["response"].annotation):
                            visit(arg)
                for model in operation.models:
                    for field in model.model_fields.values():
                        for arg in _types_in(field.annotation):
                            visit(arg)
    return seen


def _types_in(annotation):
    yield annotation
    for arg in getattr(annotation, "__args__", ()) or ():
        yield from _types_in(arg)


def test_each_schema_name_is_one_schema():
    clashes = {name: keys for name, keys in component_classes().items() if len(keys) > 1}
    assert clashes == {}


def test_every_reference_names_a_component(client):
    document = client.get("/api/v1/openapi.json").json()
    text = json.dumps(document)
    names = set(re.findall(r'"#/components/schemas/([^"]+)"', text))
    assert names <= set(document["components"]["schemas"])


def test_the_checker_catches_an_undeclared_status_and_a_wrong_body(client):
    document = OpenApiDocument(client.get("/api/v1/openapi.json").json())
    path = "/api/v1/reference/countries"
    good = b'{"count": 0, "next": null, "previous": null, "items": []}'
    assert document.problems("GET", path, 200, "application/json", good) == []
    assert document.problems("GET", path, 418, "application/json", good) != []
    wrong = b'{"count": "many", "items": [{"code": 1}]}'
    assert len(document.problems("GET", path, 200, "application/json", wrong)) >= 2
