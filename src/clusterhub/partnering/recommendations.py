"""The partner recommender fed from the database, for pages and API.

``recommender.py`` is pure; this module builds its index from the registry (organisations,
their topics, the collaboration history imported from CORDIS) once per process and rebuilds it
when the registry's change stamp moves, like the directory facets.
"""

from __future__ import annotations

import threading
from collections import defaultdict

from django.core.exceptions import ValidationError

from clusterhub.core import stamps
from clusterhub.registry import facets as registry_facets
from clusterhub.registry import names
from clusterhub.registry.imports.network import placeholder_name
from clusterhub.registry.models import Organisation, Participation, Project

from . import recommender as rec

_lock = threading.Lock()
_cached: tuple[str, rec.Recommender] | None = None


def _build() -> rec.Recommender:
    ecosystems, technologies = defaultdict(list), defaultdict(list)
    for org_id, name in Organisation.ecosystems.through.objects.values_list(
        "organisation_id", "ecosystem__name"
    ):
        ecosystems[org_id].append(name)
    for org_id, name in Organisation.technologies.through.objects.values_list(
        "organisation_id", "technology__name"
    ):
        technologies[org_id].append(name)
    organisations = [
        rec.Organisation(
            id=pk,
            name=names.readable(short) or names.readable(legal),
            kind=kind,
            is_sme=is_sme,
            country=country,
            country_status=status,
            description=description,
            ecosystems=tuple(ecosystems[pk]),
            technologies=tuple(technologies[pk]),
            listed=not (pic and legal == placeholder_name(pic)),
        )
        for pk, legal, short, kind, is_sme, country, status, description, pic in (
            Organisation.objects.values_list(
                "pk",
                "legal_name",
                "short_name",
                "kind",
                "is_sme",
                "country_id",
                "country__status",
                "description",
                "pic",
            ).iterator(chunk_size=5000)
        )
    ]
    projects: dict[int, dict] = {
        pk: {
            "participants": [],
            "acronym": acronym,
            "title": title,
            "topic": topic,
            "coord": None,
            "year": start,
            "end": end,
            "parts": tuple(p for p in parts.split(";") if p),
        }
        for pk, acronym, title, topic, start, end, parts in Project.objects.values_list(
            "pk", "acronym", "title", "topic_title", "start_year", "end_year", "programme_parts"
        ).iterator(chunk_size=5000)
    }
    for project_id, org_id, role in Participation.objects.values_list(
        "project_id", "organisation_id", "role"
    ).iterator(chunk_size=10000):
        entry = projects[project_id]
        entry["participants"].append(org_id)
        if role == Participation.Role.COORDINATOR and entry["coord"] is None:
            entry["coord"] = org_id
    return rec.Recommender(
        organisations,
        [
            rec.Project(
                id=pk,
                participants=tuple(p["participants"]),
                title=p["title"],
                topic=p["topic"],
                acronym=p["acronym"],
                coordinator=p["coord"],
                year=p["year"],
                end_year=p["end"],
                programmes=p["parts"],
            )
            for pk, p in projects.items()
            if p["participants"]
        ],
    )


def recommender() -> rec.Recommender:
    """The current index (rebuilt after any change to the registry)."""
    global _cached
    token = stamps.current(registry_facets.STAMP)
    if _cached is not None and _cached[0] == token and token:
        return _cached[1]
    with _lock:
        if _cached is None or _cached[0] != token or not token:
            _cached = (token, _build())
        return _cached[1]


def forget() -> None:
    global _cached
    _cached = None


def recommend(
    text: str = "",
    members=(),
    *,
    programmes=(),
    kinds=None,
    countries=None,
    gaps=None,
    exclude=(),
    k: int = 10,
) -> list[dict]:
    """Ranked organisations with score and reasons: [{"organisation", "score", "reasons"}].

    A query with neither text nor members is refused with a clear message.
    """
    members = [m for m in members if m is not None]
    if not (text or "").strip() and not members:
        raise ValidationError(
            "Say what the partners are for (a call topic or a description), or name the "
            "organisations already in the consortium."
        )
    engine = recommender()
    members = [m for m in members if m in engine.index]
    if not (text or "").strip() and not members:
        return []
    try:
        found = engine.recommend(
            text=text or "",
            members=members,
            programmes=programmes,
            kinds=kinds,
            countries=countries,
            gaps=gaps,
            exclude=exclude,
            k=k,
        )
    except ValueError as error:
        raise ValidationError(str(error)) from None
    orgs = Organisation.objects.select_related("country").in_bulk([r.id for r in found])
    return [
        {"organisation": orgs[r.id], "score": round(r.score, 3), "reasons": r.reasons}
        for r in found
        if r.id in orgs
    ]
