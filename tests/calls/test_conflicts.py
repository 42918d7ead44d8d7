"""Conflicts of interest found in the registry, each with its reason."""

from clusterhub.calls.conflicts import Application, Juror, PastProject, detect

JURORS = [
    Juror("anna", "Anna Weber", {"kunststoff": "Plastics Cluster Upper Austria"}, region="AT31"),
    Juror("luc", "Luc Martin", {"ipc": "IPC"}, region="FRK26"),
    Juror("eva", "Eva Rossi", {"polimi": "Politecnico di Milano"}, region="ITC4"),
    Juror("neutral", "Nora Berg", {"sintef": "SINTEF"}, region="NO08"),
]
APPLICATIONS = [
    Application("a1", {"polymeris": "Polymeris", "ipc": "IPC"}, region="FRK2"),  # IPC co-applies
    Application("a2", {"plastipolis": "Plastipolis"}, region="FRK"),
    Application("a3", {"kunststoff": "Plastics Cluster Upper Austria"}, region="AT31"),
    Application("a4", {"proplast": "Proplast"}, region="ITC1"),
]
MEMBERSHIPS = [("ipc", "plastipolis")]  # IPC is a member of Plastipolis
PROJECTS = [
    PastProject("POLYCIRC", 2022, frozenset({"polimi", "proplast", "tno"})),
    PastProject("OLDPLAST", 2015, frozenset({"sintef", "proplast"})),
]


def sentences(found, pair):
    return [c.sentence() for c in found.get(pair, [])]


def test_conflicts_are_found_with_their_reasons():
    found = detect(JURORS, APPLICATIONS, memberships=MEMBERSHIPS, projects=PROJECTS, year=2023)
    assert sentences(found, ("luc", "a1")) == ["Luc Martin works for IPC, which applies."]
    assert sentences(found, ("luc", "a2")) == [
        "Luc Martin works for IPC, a member of Plastipolis, which applies."
    ]
    assert sentences(found, ("anna", "a3")) == [
        "Anna Weber works for Plastics Cluster Upper Austria, which applies."
    ]
    assert sentences(found, ("eva", "a4")) == [
        "Politecnico di Milano, where Eva Rossi works, and Proplast worked together in "
        "POLYCIRC (2022)."
    ]
    # a project older than the window does not count; the neutral juror has no conflict
    assert not any(juror == "neutral" for juror, _ in found)
    assert set(found) == {("luc", "a1"), ("luc", "a2"), ("anna", "a3"), ("eva", "a4")}


def test_membership_counts_both_ways():
    clusters = [Juror("head", "Hélène Roux", {"plastipolis": "Plastipolis"})]
    found = detect(clusters, APPLICATIONS, memberships=MEMBERSHIPS)
    assert sentences(found, ("head", "a1")) == [
        "Hélène Roux works for Plastipolis; IPC, which applies, is its member."
    ]


def test_same_region_only_when_the_call_asks_and_regions_cover_their_parts():
    plain = detect(JURORS, APPLICATIONS)
    assert ("luc", "a2") not in plain
    regional = detect(JURORS, APPLICATIONS, same_region=True)
    assert sentences(regional, ("luc", "a2")) == [
        "Luc Martin is in the same region as the applicant (FRK)."
    ]
    assert ("eva", "a4") not in regional  # ITC4 and ITC1 are different regions
    assert ("luc", "a1") in regional  # FRK26 lies in FRK2
