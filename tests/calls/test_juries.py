"""Juries: invitations answered under one's own address, conflicts found in the registry,
declared or lifted with a note."""

import pytest
from allauth.account.models import EmailAddress
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse

from clusterhub.calls import services
from clusterhub.calls.models import Application, Conflict
from tests.calls.test_applications import make_call, member_pole
from tests.factories import (
    MembershipFactory,
    OrganisationFactory,
    ParticipationFactory,
    ProjectFactory,
    UserFactory,
)

pytestmark = pytest.mark.django_db


@pytest.fixture
def call_with_applicants():
    call = make_call()
    organiser = UserFactory()
    from clusterhub.registry.models import ProfileTeamMember

    ProfileTeamMember.objects.create(user=organiser, organisation=call.organiser)
    applicants = []
    for title in ("Plastics without borders", "Composites for all"):
        user, pole = member_pole(call)
        application = services.start_application(call, pole, user, call.categories.get())
        services.save_draft(application, user, {"title": title, "project_start": "2026-06-01"})
        applicants.append(services.submit(application, user))
    return call, organiser, applicants


def test_conflicts_are_found_in_the_registry_and_lifted_only_with_a_note(call_with_applicants):
    call, organiser, (first, second) = call_with_applicants
    lab = OrganisationFactory(legal_name="IPC", kind="research")
    neutral = OrganisationFactory(legal_name="SINTEF", kind="research")
    MembershipFactory(cluster=first.organisation.cluster_profile, member=lab)
    project = ProjectFactory(acronym="POLYCIRC", start_year=2025)
    ParticipationFactory(project=project, organisation=lab)
    ParticipationFactory(project=project, organisation=second.organisation)
    old = ProjectFactory(acronym="OLDPLAST", start_year=2015)
    ParticipationFactory(project=old, organisation=neutral)
    ParticipationFactory(project=old, organisation=second.organisation)
    ada = services.invite_juror(call, name="Ada Lab", email="ada@ipc.example", organisation=lab,
                                by=organiser)  # fmt: skip
    nora = services.invite_juror(call, name="Nora Berg", email="nora@sintef.example",
                                 organisation=neutral, by=organiser)  # fmt: skip
    assert services.detect_conflicts(call, by=organiser) == 2
    reasons = {(c.application_id, c.sentence()) for c in Conflict.objects.filter(juror=ada)}
    assert reasons == {
        (first.pk, f"Ada Lab works for IPC, a member of {first.organisation.name}, which applies."),
        (second.pk, f"IPC, where Ada Lab works, and {second.organisation.name} worked together "
                    "in POLYCIRC (2025)."),
    }  # fmt: skip
    assert not Conflict.objects.filter(juror=nora).exists()  # 2015 is outside the 3 years
    assert services.detect_conflicts(call) == 0  # nothing new the second time
    conflict = Conflict.objects.filter(juror=ada, application=second).get()
    with pytest.raises(ValidationError, match="Say why"):
        services.lift_conflict(conflict, organiser, "  ")
    services.lift_conflict(conflict, organiser, "The project ended; different teams.")
    assert services.conflicted_pairs(call) == {(ada.pk, first.pk)}
    with pytest.raises(PermissionDenied):
        services.lift_conflict(conflict, UserFactory(), "I say so")


def test_an_independent_jury_takes_nobody_from_an_applicant(call_with_applicants):
    call, organiser, (first, _second) = call_with_applicants
    call.independent_jury = True
    call.save()
    with pytest.raises(ValidationError) as refused:
        services.invite_juror(call, name="Paul", email="paul@pole.example",
                              organisation=first.organisation, by=organiser)  # fmt: skip
    assert refused.value.message_dict["organisation"] == [
        f"The jury is independent: {first.organisation.name} applies to this call."
    ]
    with pytest.raises(PermissionDenied):
        services.invite_juror(call, name="X", email="x@example.org", by=UserFactory())


def test_an_invitation_is_answered_only_under_its_address_with_declared_conflicts(
    call_with_applicants,
):
    call, organiser, (first, _second) = call_with_applicants
    juror = services.invite_juror(call, name="Eva Rossi", email="Eva@Polimi.example",
                                  by=organiser)  # fmt: skip
    someone = UserFactory()
    with pytest.raises(PermissionDenied, match="another address"):
        services.answer_invitation(juror, someone, accept=True)
    eva = UserFactory(email="eva@polimi.example")
    EmailAddress.objects.create(user=eva, email="eva@polimi.example", verified=True)
    services.answer_invitation(
        juror,
        eva,
        accept=True,
        expertise="plastics recycling",
        capacity=10,
        declared={first.pk: "I advised them in 2026"},
    )
    juror.refresh_from_db()
    assert juror.status == "accepted" and juror.capacity == 10
    [declared] = Conflict.objects.filter(juror=juror)
    assert declared.sentence() == "Eva Rossi declared: I advised them in 2026"
    assert declared.application == Application.objects.get(pk=first.pk)


def test_a_juror_from_a_co_applicant_is_in_conflict(client, call_with_applicants):
    call, organiser, (first, _second) = call_with_applicants
    partner = OrganisationFactory(legal_name="Technopole Lyon", kind="research")
    team = first.organisation.team_members.get().user
    client.force_login(team)
    page = client.post(
        reverse("calls:co-applicants", args=[first.pk]),
        {"co_applicants": "Technopole Lyon\nNo Such Organisation Anywhere"},
        follow=True,
    )
    assert "No Such Organisation Anywhere" in page.content.decode()
    assert not first.co_applicants.exists()  # all or nothing
    client.post(reverse("calls:co-applicants", args=[first.pk]),
                {"co_applicants": "Technopole Lyon"})  # fmt: skip
    assert list(first.co_applicants.all()) == [partner]
    juror = services.invite_juror(call, name="Lea Roche", email="lea@technopole.example",
                                  organisation=partner, by=organiser)  # fmt: skip
    services.detect_conflicts(call, by=organiser)
    [conflict] = Conflict.objects.filter(juror=juror)
    assert conflict.application == first
    assert "Technopole Lyon" in conflict.sentence()
