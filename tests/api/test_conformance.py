"""The OpenAPI document describes the API as it is: one schema per name (the document keys
schemas by class name, so two classes with one name make it wrong), every reference resolves,
and every response that the whole suite receives from /api/v1/ is checked against it
(the autouse fixture in tests/conftest.py, with :mod:`tests.api.openapi`)."""

import json
import re

from ninja import Schema

import clusterhub.api  # noqa: F401  (imports every app's API)

from .openapi import OpenApiDocument


def schema_classes(base=Schema):
    for cls in base.__subclasses__():
        yield cls
        yield from schema_classes(cls)


def test_each_schema_name_is_one_schema():
    names: dict[str, set[str]] = {}
    for cls in schema_classes():
        if cls.__module__.startswith("clusterhub."):
            names.setdefault(cls.__name__, set()).add(f"{cls.__module__}.{cls.__qualname__}")
    assert {name: paths for name, paths in names.items() if len(paths) > 1} == {}


def test_every_reference_names_a_component(client):
    document = client.get("/api/v1/openapi.json").json()
    names = set(re.findall(r'"#/components/schemas/([^"]+)"', json.dumps(document)))
    assert names <= set(document["components"]["schemas"])


def test_the_checker_catches_an_undeclared_status_and_a_wrong_body(client):
    document = OpenApiDocument(client.get("/api/v1/openapi.json").json())
    path = "/api/v1/reference/countries"
    good = b'{"count": 0, "next": null, "previous": null, "items": []}'
    assert document.problems("GET", path, 200, "application/json", good) == []
    assert document.problems("GET", path, 418, "application/json", good) != []
    wrong = b'{"count": "many", "items": [{"code": 1}]}'
    assert len(document.problems("GET", path, 200, "application/json", wrong)) >= 2


def test_the_docs_page_needs_no_other_site(client):
    from django.contrib.staticfiles import finders

    page = client.get("/api/v1/docs").content.decode()
    assets = re.findall(r'(?:src|href)="([^"]+)"', page)
    assert assets and all(a.startswith("/static/") for a in assets)
    assert all(finders.find(a.removeprefix("/static/")) for a in assets)
