"""Applying to a call: drafts keep everything, a submission is judged by the server's clock,
the rules and the form; one application per organisation, whatever the rush."""

import datetime
import threading

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import connections

from clusterhub.calls import services
from clusterhub.calls.models import Application, Call, Category, Question
from clusterhub.core.audit import AuditEntry
from tests.clock import NOW
from tests.factories import (
    ClusterLabelFactory,
    ClusterOrganisationFactory,
    MembershipFactory,
    OrganisationFactory,
    UserFactory,
    team_member,
)

pytestmark = pytest.mark.django_db

DEADLINE = NOW + datetime.timedelta(days=10)


def make_call(**changes) -> Call:
    association = ClusterOrganisationFactory(organisation__slug="afpc").organisation
    values = {
        "kind": "award",
        "organiser": association,
        "title": "Les pôles pour l'Europe",
        "slug": "les-poles-pour-l-europe",
        "status": "published",
        "deadline": DEADLINE,
        "timezone": "Europe/Paris",
        "rules": [
            {"rule": "kind", "values": ["cluster"]},
            {"rule": "member_of", "values": ["afpc"], "names": ["the association"]},
        ],
    }
    call = Call.objects.create(**(values | changes))
    category = Category.objects.create(
        call=call,
        key="initiative",
        title="Best collaborative initiative",
        rules=[{"rule": "project_started_within", "years": 2}],
    )
    Question.objects.create(call=call, key="title", label="Initiative", required=True,
                            max_length=80, order=1)  # fmt: skip
    Question.objects.create(call=call, key="project_start", label="Start date", kind="date",
                            required=True, order=2, category=category)  # fmt: skip
    return call


def member_pole(call: Call):
    pole = ClusterOrganisationFactory().organisation
    MembershipFactory(cluster=call.organiser.cluster_profile, member=pole)
    user, _ = team_member(pole)
    return user, pole


def test_a_draft_keeps_what_was_typed_and_the_submission_gives_a_receipt():
    call = make_call()
    user, pole = member_pole(call)
    application = services.start_application(call, pole, user, call.categories.get())
    cleaned = services.save_draft(application, user, {"title": "x" * 90})
    assert cleaned.problems[0].sentence() == "“Initiative” takes at most 80 characters (90 given)."
    assert Application.objects.get().answers == {"title": "x" * 90}  # nothing typed is lost
    with pytest.raises(ValidationError) as refused:
        services.submit(application, user)
    assert refused.value.message_dict == {
        "title": ["“Initiative” takes at most 80 characters (90 given)."],
        "project_start": ["“Start date” needs an answer."],
    }
    services.save_draft(application, user, {"title": "Plastics without borders",
                                            "project_start": "2026-06-01"})  # fmt: skip
    submitted = services.submit(application, user)
    assert submitted.status == "submitted" and submitted.submitted_at
    assert len(submitted.receipt) == 64
    assert AuditEntry.objects.filter(action="calls.submit").count() == 1
    # the same person starting again finds the same application
    assert services.start_application(call, pole, user, call.categories.get()) == application


def test_the_rules_refuse_with_their_reasons():
    call = make_call()
    user, pole = team_member(OrganisationFactory(kind="company", legal_name="Acme"))
    application = services.start_application(call, pole, user, call.categories.get())
    services.save_draft(application, user, {"title": "Ours", "project_start": "2020-01-01"})
    with pytest.raises(ValidationError) as refused:
        services.submit(application, user)
    assert refused.value.messages == [
        "Acme is not of a kind the call is open to.",
        "Acme is not a member of the network required.",
        "The project started on 2020-01-01, before 2025-03-11.",
    ]
    assert Application.objects.get().status == "draft"


def test_one_second_after_the_deadline_is_refused(time_machine):
    call = make_call()
    user, pole = member_pole(call)
    application = services.start_application(call, pole, user, call.categories.get())
    services.save_draft(application, user, {"title": "Just in", "project_start": "2026-06-01"})
    time_machine.move_to(DEADLINE + datetime.timedelta(seconds=1), tick=False)
    with pytest.raises(ValidationError) as late:
        services.submit(application, user)
    assert late.value.messages == [
        "The deadline was 11 Mar 2027, 09:00 (Europe/Paris); the application arrived at "
        "11 Mar 2027, 09:00:01."
    ]
    time_machine.move_to(DEADLINE, tick=False)
    assert services.submit(application, user).status == "submitted"


def test_nobody_applies_in_someone_elses_name():
    call = make_call()
    _user, pole = member_pole(call)
    stranger = UserFactory()
    with pytest.raises(PermissionDenied):
        services.start_application(call, pole, stranger)
    application = services.start_application(call, pole, _user, call.categories.get())
    with pytest.raises(PermissionDenied):
        services.save_draft(application, stranger, {"title": "Mine now"})
    with pytest.raises(PermissionDenied):
        services.submit(application, stranger)


def test_a_declared_label_does_not_open_a_call_that_asks_for_a_verified_one():
    call = make_call(rules=[{"rule": "label", "scheme": "pole"}])
    user, pole = member_pole(call)
    ClusterLabelFactory(cluster=pole.cluster_profile, scheme="pole", level="labelled",
                        verified_at=None)  # fmt: skip
    application = services.start_application(call, pole, user, call.categories.get())
    services.save_draft(application, user, {"title": "T", "project_start": "2026-06-01"})
    with pytest.raises(ValidationError, match="not verified yet"):
        services.submit(application, user)


# ----------------------------------------------------------------------- the deadline rush


@pytest.mark.django_db(transaction=True)
def test_five_hundred_last_minute_submissions_are_all_stored_once(race_database):
    call = make_call()
    category = call.categories.get()
    applicants = [member_pole(call) for _ in range(500)]
    applications = []
    for user, pole in applicants:
        application = services.start_application(call, pole, user, category)
        services.save_draft(application, user, {"title": f"Initiative of {pole.pk}",
                                                "project_start": "2026-06-01"})  # fmt: skip
        applications.append((application, user))
    errors, lock = [], threading.Lock()
    threads = 10
    barrier = threading.Barrier(threads)

    def worker(part):
        try:
            barrier.wait(timeout=30)
            for application, user in part:
                services.submit(application, user)
                # a colleague presses "submit" again at the same time: still one application
                services.start_application(call, application.organisation, user, category)
        except Exception as exc:  # noqa: BLE001 - reported below
            with lock:
                errors.append(repr(exc))
        finally:
            connections.close_all()

    pool = [threading.Thread(target=worker, args=(applications[i::threads],))
            for i in range(threads)]  # fmt: skip
    for thread in pool:
        thread.start()
    for thread in pool:
        thread.join()
    assert errors == []
    assert Application.objects.filter(call=call).count() == 500
    assert Application.objects.filter(call=call, status="submitted").count() == 500
    assert Application.objects.exclude(receipt="").count() == 500


def test_years_are_counted_back_from_the_deadlines_day_in_the_calls_time_zone():
    # noon in Paris on 11 March is already 12 March in Auckland
    call = make_call(deadline=datetime.datetime(2027, 3, 11, 12, 0, tzinfo=datetime.UTC),
                     timezone="Pacific/Auckland")  # fmt: skip
    user, pole = member_pole(call)
    application = services.start_application(call, pole, user, call.categories.get())
    services.save_draft(application, user, {"title": "T", "project_start": "2025-03-11"})
    [failed] = services.verdict(application, project_start=datetime.date(2025, 3, 11)).failed
    assert failed.sentence() == "The project started on 2025-03-11, before 2025-03-12."
