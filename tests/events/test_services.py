"""The rules of registration, one by one, through ``events.services``."""

from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from django.conf import settings
from django.core import mail
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.management import call_command
from django.urls import reverse
from django.utils import timezone

from clusterhub.events import services
from clusterhub.events.models import (
    Event,
    EventOrganiser,
    EventStatus,
    Registration,
    RegistrationQuestion,
    RegistrationStatus,
    Session,
)
from tests import clock, factories

pytestmark = pytest.mark.django_db

CONFIRMED = RegistrationStatus.CONFIRMED
WAITLISTED = RegistrationStatus.WAITLISTED
PENDING = RegistrationStatus.PENDING


# Data ---------------------------------------------------------------------------------------


def details(n: int | str, **fields) -> dict:
    return {
        "first_name": "Ada",
        "last_name": f"Participant {n}",
        "email": f"participant{n}@example.org",
        "organisation_name": "Polyméris",
        "organisation_kind": "company",
        "country_id": "FR",
        **fields,
    }


def register(event, n, **fields) -> Registration:
    answers = fields.pop("answers", None)
    user = fields.pop("user", None)
    return services.register_participant(event, user=user, answers=answers, **details(n, **fields))


def statuses(event) -> list[str]:
    return list(event.registrations.order_by("created", "id").values_list("status", flat=True))


def refused(call) -> ValidationError:
    with pytest.raises(ValidationError) as info:
        call()
    return info.value


def messages_of(error: ValidationError) -> str:
    return " ".join(error.messages)


@pytest.fixture
def organiser():
    return factories.UserFactory(username="organiser@example.org", email="organiser@example.org")


# Seats and the waiting list -----------------------------------------------------------------


def test_confirmed_until_capacity_then_waitlisted():
    event = factories.EventFactory(capacity=2)

    people = [register(event, i) for i in range(4)]

    assert [p.status for p in people] == [CONFIRMED, CONFIRMED, WAITLISTED, WAITLISTED]
    assert statuses(event) == [CONFIRMED, CONFIRMED, WAITLISTED, WAITLISTED]


def test_no_capacity_means_no_limit():
    event = factories.EventFactory(capacity=None)

    assert {register(event, i).status for i in range(30)} == {CONFIRMED}


def test_cancellation_promotes_the_oldest_waitlisted(organiser):
    event = factories.EventFactory(organiser=organiser, capacity=1)
    first = register(event, 1)
    older, newer = register(event, 2), register(event, 3)

    services.cancel_registration(first, by=organiser)

    older.refresh_from_db()
    newer.refresh_from_db()
    assert (older.status, newer.status) == (CONFIRMED, WAITLISTED)
    first.refresh_from_db()
    assert first.status == RegistrationStatus.CANCELLED


def test_cancelling_a_waitlisted_registration_promotes_nobody():
    event = factories.EventFactory(capacity=1)
    register(event, 1)
    waiting = register(event, 2)
    last = register(event, 3)

    services.cancel_registration(waiting)

    assert statuses(event) == [CONFIRMED, RegistrationStatus.CANCELLED, WAITLISTED]
    last.refresh_from_db()
    assert last.status == WAITLISTED


def test_cancelling_twice_changes_nothing_and_a_declined_registration_stays_declined(organiser):
    event = factories.EventFactory(organiser=organiser, requires_approval=True)
    registration = register(event, 1)
    services.decide_registration(registration, approve=False, by=organiser)

    services.cancel_registration(registration, by=organiser)

    registration.refresh_from_db()
    assert registration.status == RegistrationStatus.REJECTED


def test_only_the_participant_or_an_organiser_cancels(organiser):
    event = factories.EventFactory(organiser=organiser)
    owner = factories.UserFactory()
    registration = register(event, 1, user=owner, email=owner.email)

    with pytest.raises(PermissionDenied):
        services.cancel_registration(registration, by=factories.UserFactory())
    services.cancel_registration(registration, by=owner)

    registration.refresh_from_db()
    assert registration.status == RegistrationStatus.CANCELLED


def test_nobody_moves_up_once_the_event_is_cancelled(organiser):
    event = factories.EventFactory(organiser=organiser, capacity=1)
    first = register(event, 1)
    waiting = register(event, 2)
    event.status = EventStatus.CANCELLED
    services.save_event(event)

    services.cancel_registration(first, by=organiser)

    waiting.refresh_from_db()
    assert waiting.status == WAITLISTED


# Capacity -----------------------------------------------------------------------------------


def test_raising_the_capacity_promotes_the_waiting_list_in_order(organiser):
    event = factories.EventFactory(organiser=organiser, capacity=1)
    for i in range(4):
        register(event, i)

    services.set_capacity(event, 3, by=organiser)

    assert statuses(event) == [CONFIRMED, CONFIRMED, CONFIRMED, WAITLISTED]


def test_removing_the_limit_promotes_everyone(organiser):
    event = factories.EventFactory(organiser=organiser, capacity=1)
    for i in range(3):
        register(event, i)

    services.set_capacity(event, None, by=organiser)

    assert statuses(event) == [CONFIRMED] * 3


def test_a_capacity_below_the_confirmed_count_is_refused_and_changes_nothing(organiser):
    event = factories.EventFactory(organiser=organiser, capacity=3)
    for i in range(3):
        register(event, i)

    error = refused(lambda: services.set_capacity(event, 2, by=organiser))

    assert "3 participants are already confirmed" in messages_of(error)
    assert error.message_dict.keys() == {"capacity"}
    event.refresh_from_db()
    assert event.capacity == 3


def test_a_negative_capacity_is_refused(organiser):
    event = factories.EventFactory(organiser=organiser, capacity=3)

    error = refused(lambda: services.set_capacity(event, -1, by=organiser))

    assert error.message_dict.keys() == {"capacity"}


def test_saving_the_event_checks_the_capacity_too_and_raising_it_promotes(organiser):
    event = factories.EventFactory(organiser=organiser, capacity=2)
    for i in range(3):
        register(event, i)

    event.capacity = 1
    error = refused(lambda: services.save_event(event))
    assert error.message_dict.keys() == {"capacity"}
    assert Event.objects.get(pk=event.pk).capacity == 2

    event.capacity = 5
    services.save_event(event)
    assert statuses(event) == [CONFIRMED] * 3


def test_only_organisers_change_the_capacity():
    event = factories.EventFactory(capacity=2)

    with pytest.raises(PermissionDenied):
        services.set_capacity(event, 10, by=factories.UserFactory())


# Approval -----------------------------------------------------------------------------------


def test_approval_flow(organiser):
    event = factories.EventFactory(organiser=organiser, capacity=1, requires_approval=True)
    first, second, third = (register(event, i) for i in range(3))
    assert statuses(event) == [PENDING] * 3

    assert services.decide_registration(first, True, by=organiser).status == CONFIRMED
    assert services.decide_registration(second, True, by=organiser).status == WAITLISTED
    assert services.decide_registration(third, False, by=organiser).status == (
        RegistrationStatus.REJECTED
    )
    assert statuses(event) == [CONFIRMED, WAITLISTED, RegistrationStatus.REJECTED]

    services.cancel_registration(first, by=organiser)
    second.refresh_from_db()
    assert second.status == CONFIRMED


def test_a_registration_is_decided_once_and_by_an_organiser(organiser):
    event = factories.EventFactory(organiser=organiser, requires_approval=True)
    registration = register(event, 1)

    with pytest.raises(PermissionDenied):
        services.decide_registration(registration, True, by=factories.UserFactory())
    services.decide_registration(registration, True, by=organiser)
    error = refused(lambda: services.decide_registration(registration, False, by=organiser))

    assert "not waiting for approval" in messages_of(error)
    registration.refresh_from_db()
    assert registration.status == CONFIRMED


# When registration is closed ----------------------------------------------------------------


@pytest.mark.parametrize(
    ("fields", "reason"),
    [
        ({"status": EventStatus.DRAFT}, "not published yet"),
        ({"status": EventStatus.CANCELLED}, "cancelled"),
        ({"status": EventStatus.REGISTRATION_CLOSED}, "closed"),
        ({"status": EventStatus.FINISHED}, "closed"),
        ({"registration_opens": clock.NOW + timedelta(days=2)}, "Registration opens on"),
        ({"registration_closes": clock.NOW - timedelta(hours=1)}, "closed"),
        ({"start": clock.NOW - timedelta(days=3)}, "closed"),  # over
    ],
    ids=["draft", "cancelled", "closed", "finished", "before-opening", "after-closing", "over"],
)
def test_registration_is_refused_with_the_reason(fields, reason):
    if "registration_closes" in fields:
        fields["registration_opens"] = timezone.now() - timedelta(days=5)
    event = factories.EventFactory(**fields)

    error = refused(lambda: register(event, 1))

    assert reason in messages_of(error)
    assert not event.registrations.exists()


def test_the_opening_date_is_given_in_the_event_time_zone():
    opens = datetime(2099, 3, 1, 9, 30, tzinfo=ZoneInfo("Europe/Helsinki"))
    event = factories.EventFactory(
        timezone="Europe/Helsinki",
        registration_opens=opens,
        start=datetime(2099, 4, 1, 9, tzinfo=ZoneInfo("Europe/Helsinki")),
    )

    error = refused(lambda: register(event, 1))

    assert "Registration opens on 1 Mar 2099, 09:30." in messages_of(error)


def test_registration_opens_and_closes_with_its_dates():
    now = timezone.now()
    event = factories.EventFactory(
        registration_opens=now - timedelta(hours=1), registration_closes=now + timedelta(hours=1)
    )

    assert register(event, 1).status == CONFIRMED


# One active registration per person ---------------------------------------------------------


def test_the_same_email_in_another_case_is_refused():
    event = factories.EventFactory()
    register(event, 1, email="Ada.Lovelace@Example.org")

    error = refused(lambda: register(event, 2, email="ada.lovelace@EXAMPLE.ORG"))

    assert error.message_dict.keys() == {"email"}
    assert "already registered" in messages_of(error)
    assert event.registrations.count() == 1
    assert event.registrations.get().email == "ada.lovelace@example.org"


def test_a_cancelled_participant_may_register_again():
    event = factories.EventFactory()
    registration = register(event, 1)
    services.cancel_registration(registration)

    again = register(event, 1)

    assert again.status == CONFIRMED
    assert again.ticket_code != registration.ticket_code


def test_the_same_account_cannot_register_twice_under_two_addresses():
    event = factories.EventFactory()
    user = factories.UserFactory()
    register(event, 1, user=user)

    error = refused(lambda: register(event, 2, user=user))

    assert "already registered" in messages_of(error)
    assert event.registrations.count() == 1


def test_the_account_address_is_used_when_none_is_given():
    event = factories.EventFactory()
    user = factories.UserFactory(email="Someone@Example.org")

    registration = register(event, 1, user=user, email="")

    assert registration.email == "someone@example.org"


def test_missing_details_are_named():
    event = factories.EventFactory()

    error = refused(lambda: register(event, 1, organisation_name="", email="not-an-address"))

    assert {"organisation_name", "email"} <= error.message_dict.keys()
    assert not event.registrations.exists()


# The organisers' questions ------------------------------------------------------------------


def test_required_answers_and_choices_are_checked():
    event = factories.EventFactory()
    diet = RegistrationQuestion.objects.create(event=event, label="Lunch?", required=True)
    visit = RegistrationQuestion.objects.create(
        event=event, label="Site visit", kind="choice", choices="Plant A\nPlant B", required=True
    )
    photo = RegistrationQuestion.objects.create(event=event, label="Photos?", kind="yes_no")

    error = refused(lambda: register(event, 1, answers={str(visit.pk): "Plant C"}))
    assert error.message_dict.keys() == {f"question_{diet.pk}", f"question_{visit.pk}"}
    assert "“Lunch?” needs an answer." in messages_of(error)
    assert "Choose one of: Plant A, Plant B." in messages_of(error)
    assert not event.registrations.exists()

    registration = register(
        event, 1, answers={str(diet.pk): " Vegetarian ", visit.pk: "Plant B", str(photo.pk): "yes"}
    )
    assert registration.answers == {
        str(diet.pk): "Vegetarian",
        str(visit.pk): "Plant B",
        str(photo.pk): True,
    }


# Consent ------------------------------------------------------------------------------------


def test_listing_consent_is_off_by_default_and_stored_with_its_date():
    event = factories.EventFactory()

    silent = register(event, 1)
    listed = register(event, 2, listing_consent=True)

    assert (silent.listing_consent, silent.listing_consent_at) == (False, None)
    assert listed.listing_consent is True
    assert abs(listed.listing_consent_at - timezone.now()) < timedelta(minutes=1)
    services.set_listing_consent(listed, False)
    listed.refresh_from_db()
    assert (listed.listing_consent, listed.listing_consent_at) == (False, None)


# Check-in -----------------------------------------------------------------------------------


def test_check_in_by_code_only_for_confirmed_participants(organiser):
    event = factories.EventFactory(organiser=organiser, capacity=1)
    seated = register(event, 1)
    waiting = register(event, 2)

    checked = services.check_in(event, code=seated.ticket_code, by=organiser)
    first_time = checked.checked_in_at
    again = services.check_in(event, registration=seated, by=organiser)
    error = refused(lambda: services.check_in(event, code=waiting.ticket_code, by=organiser))

    assert first_time is not None
    assert again.checked_in_at == first_time
    assert "is not confirmed (On the waiting list)" in messages_of(error)
    waiting.refresh_from_db()
    assert waiting.checked_in_at is None


def test_check_in_refuses_a_ticket_of_another_event_and_strangers(organiser):
    event = factories.EventFactory(organiser=organiser)
    other = register(factories.EventFactory(title="Other"), 1)

    error = refused(lambda: services.check_in(event, code=other.ticket_code, by=organiser))
    assert "No registration for this event" in messages_of(error)
    refused(lambda: services.check_in(event, by=organiser))
    with pytest.raises(PermissionDenied):
        services.check_in(event, code=other.ticket_code, by=factories.UserFactory())


# Events -------------------------------------------------------------------------------------


def test_the_creator_joins_the_team_and_dates_are_checked(organiser):
    event = factories.EventFactory(organiser=organiser)
    assert EventOrganiser.objects.filter(event=event, user=organiser).exists()
    assert event.slug.startswith("clusters-meet-regions-")

    event.end = event.start - timedelta(hours=1)
    error = refused(lambda: services.save_event(event))
    assert error.message_dict == {"end": ["An event ends after it starts."]}


def test_sessions_stay_within_the_event_and_rooms_do_not_clash():
    event = factories.EventFactory()
    start = event.start
    services.save_session(
        Session(event=event, title="Keynote", start=start, end=start + timedelta(hours=1), room="A")
    )

    clash = refused(
        lambda: services.save_session(
            Session(
                event=event,
                title="Panel",
                start=start + timedelta(minutes=30),
                end=start + timedelta(hours=2),
                room="a",
            )
        )
    )
    outside = refused(
        lambda: services.save_session(
            Session(
                event=event,
                title="Dinner",
                start=event.end,
                end=event.end + timedelta(hours=2),
            )
        )
    )
    backwards = refused(
        lambda: services.save_session(
            Session(event=event, title="Odd", start=start + timedelta(hours=2), end=start)
        )
    )

    assert clash.message_dict.keys() == {"room"}
    assert "“Keynote”" in messages_of(clash)
    assert outside.message_dict.keys() == {"start"}
    assert backwards.message_dict.keys() == {"end"}
    assert event.sessions.count() == 1


# E-mails ------------------------------------------------------------------------------------


def test_confirmation_email_gives_the_event_in_its_time_zone_and_the_links(
    django_capture_on_commit_callbacks,
):
    helsinki = ZoneInfo("Europe/Helsinki")
    event = factories.EventFactory(
        title="Clusters meet Regions",
        timezone="Europe/Helsinki",
        start=datetime(2030, 10, 12, 9, 0, tzinfo=helsinki),
        end=datetime(2030, 10, 13, 17, 30, tzinfo=helsinki),
        venue="Messukeskus",
        address="Messuaukio 1",
        city="Helsinki",
        country=factories.country("FI"),
        online_url="https://meet.example.org/cmr",
    )

    with django_capture_on_commit_callbacks(execute=True):
        registration = register(event, 1, first_name="Ada", last_name="Lovelace")

    assert len(mail.outbox) == 1
    message = mail.outbox[0]
    body = message.body
    assert message.to == ["participant1@example.org"]
    assert message.subject == "Your registration is confirmed: Clusters meet Regions"
    assert "Dear Ada Lovelace," in body
    assert (
        "When: Saturday 12 October 2030, 09:00 – Sunday 13 October 2030, 17:30 (Europe/Helsinki)"
        in body
    )
    assert "Venue: Messukeskus, Messuaukio 1, Helsinki (Finland)" in body
    assert "Online: https://meet.example.org/cmr" in body
    code = registration.ticket_code
    assert settings.SITE_URL + reverse("events:ticket", args=[code]) in body
    assert settings.SITE_URL + reverse("events:cancel", args=[code]) in body
    assert "&amp;" not in body and "&#x27;" not in body


def test_each_change_sends_its_email(organiser, django_capture_on_commit_callbacks):
    event = factories.EventFactory(organiser=organiser, capacity=1, title="Workshop")
    with django_capture_on_commit_callbacks(execute=True):
        seated = register(event, 1)
        waiting = register(event, 2)
    with django_capture_on_commit_callbacks(execute=True):
        services.cancel_registration(seated, by=organiser)

    sent = [(m.to[0], m.subject.split(":")[0]) for m in mail.outbox]
    assert sent == [
        (seated.email, "Your registration is confirmed"),
        (waiting.email, "You are on the waiting list"),
        (seated.email, "Your registration is cancelled"),
        (waiting.email, "A seat is free for you"),
    ]
    assert "moved up from the waiting list" in mail.outbox[3].body


def test_approval_emails(organiser, django_capture_on_commit_callbacks):
    event = factories.EventFactory(organiser=organiser, requires_approval=True)
    with django_capture_on_commit_callbacks(execute=True):
        accepted, declined = register(event, 1), register(event, 2)
    with django_capture_on_commit_callbacks(execute=True):
        services.decide_registration(accepted, True, by=organiser)
        services.decide_registration(declined, False, by=organiser)

    subjects = [m.subject.split(":")[0] for m in mail.outbox]
    assert subjects == [
        "Your registration awaits the organisers' approval",
        "Your registration awaits the organisers' approval",
        "Your registration is confirmed",
        "Your registration was declined",
    ]


def test_an_email_that_no_longer_holds_is_not_sent(organiser, django_capture_on_commit_callbacks):
    """Confirmed, then cancelled before the e-mails went out: only the cancellation goes."""
    event = factories.EventFactory(organiser=organiser)
    with django_capture_on_commit_callbacks(execute=True):
        registration = register(event, 1)
        services.cancel_registration(registration, by=organiser)

    assert [m.subject.split(":")[0] for m in mail.outbox] == ["Your registration is cancelled"]


def test_no_email_when_the_registration_is_refused(django_capture_on_commit_callbacks):
    event = factories.EventFactory()
    register(event, 1)
    mail.outbox.clear()

    with django_capture_on_commit_callbacks(execute=True):
        refused(lambda: register(event, 1))

    assert mail.outbox == []


def test_reminders_go_once_to_confirmed_participants_of_events_starting_soon(
    django_capture_on_commit_callbacks,
):
    soon = factories.EventFactory(
        title="Soon", capacity=1, start=timezone.now() + timedelta(hours=20)
    )
    later = factories.EventFactory(title="Later", start=timezone.now() + timedelta(days=5))
    seated = register(soon, 1)
    register(soon, 2)  # waiting list: no reminder
    register(later, 3)  # starts after the window
    cancelled = factories.EventFactory(
        title="Called off", start=timezone.now() + timedelta(hours=5)
    )
    register(cancelled, 4)
    cancelled.status = EventStatus.CANCELLED
    services.save_event(cancelled)
    mail.outbox.clear()

    with django_capture_on_commit_callbacks(execute=True):
        call_command("send_event_reminders", "--hours", "48", verbosity=0)
    with django_capture_on_commit_callbacks(execute=True):
        call_command("send_event_reminders", "--hours", "48", verbosity=0)

    assert [(m.to[0], m.subject) for m in mail.outbox] == [
        (seated.email, "Reminder: Soon starts soon")
    ]
    seated.refresh_from_db()
    assert seated.reminded_at is not None
    assert Registration.objects.filter(reminded_at__isnull=False).count() == 1


def test_registration_reads_the_event_afresh_not_the_callers_stale_copy():
    event = factories.EventFactory(status="draft")
    stale = Event.objects.get(pk=event.pk)
    Event.objects.filter(pk=event.pk).update(status="registration_open")
    registration = services.register_participant(stale, **details("late"))
    assert registration.status == "confirmed"
