"""Conflicts of interest between jurors and applications, found in the registry before any
assignment, each with the reason a person can read.

Pure: no Django import. The services layer describes each juror (the organisations they work
for, their region) and each application (the applicant and its co-applicants, their region),
and passes the registry's accepted memberships and the collaboration history; ``detect``
returns every conflicted pair with its reasons. A juror's own declarations and the organiser's
additions or lifts are kept by the app beside these; ``assignment`` treats all of them alike.

Found:
- the juror works for the applicant or a co-applicant;
- the juror's organisation is a member of the applicant cluster, or the applicant (or a
  co-applicant) is a member of the juror's cluster;
- the juror's organisation and an applicant organisation took part in the same project that
  started in the last ``project_years`` years (the collaboration history, e.g. CORDIS);
- both are in the same region, when the call asks for it (a region code covers its
  sub-regions: a juror of FRK and an applicant of FRK26 are in the same region).
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Hashable, Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any


def gettext_noop(message: str) -> str:
    return message


@dataclass(frozen=True)
class Juror:
    id: Hashable
    name: str
    organisations: Mapping[Hashable, str]  # id → name of each organisation they work for
    region: str = ""


@dataclass(frozen=True)
class Application:
    id: Hashable
    organisations: Mapping[Hashable, str]  # the applicant first, then the co-applicants
    region: str = ""


@dataclass(frozen=True)
class PastProject:
    label: str  # acronym or title
    year: int | None
    participants: frozenset


@dataclass(frozen=True)
class Conflict:
    juror: Hashable
    application: Hashable
    code: str  # same_organisation, membership, joint_project, same_region
    message: str  # a sentence template
    params: Mapping[str, Any] = field(default_factory=dict)

    def sentence(self, gettext=lambda m: m) -> str:
        return gettext(self.message) % self.params


def _same_region(a: str, b: str) -> bool:
    a, b = a.upper(), b.upper()
    return bool(a and b) and (a.startswith(b) or b.startswith(a))


def detect(
    jurors: Iterable[Juror],
    applications: Iterable[Application],
    *,
    memberships: Iterable[tuple[Hashable, Hashable]] = (),  # (member, cluster), accepted
    projects: Iterable[PastProject] = (),
    project_years: int = 3,
    year: int | None = None,  # the call's year; projects from year − project_years on count
    same_region: bool = False,
) -> dict[tuple[Hashable, Hashable], list[Conflict]]:
    """Every (juror, application) pair in conflict, with its reasons."""
    jurors, applications = list(jurors), list(applications)
    member_of: dict[Hashable, set] = defaultdict(set)
    for member, cluster in memberships:
        member_of[member].add(cluster)
    # Joint recent projects, only for the jurors' organisations.
    juror_orgs = {org for j in jurors for org in j.organisations}
    together: dict[Hashable, dict[Hashable, PastProject]] = defaultdict(dict)
    for project in projects:
        if year is not None and project.year is not None and project.year < year - project_years:
            continue
        mine = project.participants & juror_orgs
        for org in mine:
            for other in project.participants - {org}:
                best = together[org].get(other)
                if best is None or (project.year or 0) > (best.year or 0):
                    together[org][other] = project
    found: dict[tuple[Hashable, Hashable], list[Conflict]] = {}
    for juror in jurors:
        for app in applications:
            reasons = list(_reasons(juror, app, member_of, together))
            if same_region and _same_region(juror.region, app.region):
                reasons.append(Conflict(juror.id, app.id, "same_region", gettext_noop(
                    "%(juror)s is in the same region as the applicant (%(region)s)."),
                    {"juror": juror.name, "region": app.region}))  # fmt: skip
            if reasons:
                found[(juror.id, app.id)] = reasons
    return found


def _reasons(juror: Juror, app: Application, member_of, together):
    for org, org_name in juror.organisations.items():
        for other, other_name in app.organisations.items():
            params = {"juror": juror.name, "org": org_name, "other": other_name}
            if org == other:
                yield Conflict(juror.id, app.id, "same_organisation", gettext_noop(
                    "%(juror)s works for %(org)s, which applies."), params)  # fmt: skip
                continue
            if other in member_of.get(org, ()):
                yield Conflict(juror.id, app.id, "membership", gettext_noop(
                    "%(juror)s works for %(org)s, a member of %(other)s, which applies."),
                    params)  # fmt: skip
            if org in member_of.get(other, ()):
                yield Conflict(juror.id, app.id, "membership", gettext_noop(
                    "%(juror)s works for %(org)s; %(other)s, which applies, is its member."),
                    params)  # fmt: skip
            project = together.get(org, {}).get(other)
            if project is not None:
                yield Conflict(juror.id, app.id, "joint_project", gettext_noop(
                    "%(org)s, where %(juror)s works, and %(other)s worked together in "
                    "%(project)s (%(year)s)."),
                    params | {"project": project.label, "year": project.year or "?"})  # fmt: skip
