"""The demo command's events: the seeds' three events, their agendas and speakers, the 2010
attendance, and an upcoming workshop open for registration."""

import datetime as dt
from collections import Counter
from io import StringIO
from zoneinfo import ZoneInfo

import pytest
from django.core.exceptions import ValidationError
from django.core.management import call_command
from django.utils import timezone

from clusterhub.demo import events_data as event_data
from clusterhub.demo import registry_data as registry_data
from clusterhub.events import services
from clusterhub.events.models import (
    Event,
    EventOrganiser,
    EventStatus,
    Material,
    Registration,
    RegistrationQuestion,
    RegistrationStatus,
    Session,
    SessionSpeaker,
)
from clusterhub.registry.models import Person

pytestmark = pytest.mark.django_db

PARIS = ZoneInfo("Europe/Paris")
LYON = "clusters-meet-regions-lyon-2023"
CLUSTERPLAST = "clusterplast-lyon-2010"
AGM = "france-clusters-general-assembly-2016"
UPCOMING = "clusters-meet-regions-demo-2027"


@pytest.fixture(autouse=True)
def var_dir(settings, tmp_path):
    settings.VAR_DIR = tmp_path / "var"
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


def run(*args: str) -> str:
    out = StringIO()
    call_command("load_demo", "--without-history", *args, stdout=out)
    return out.getvalue()


def local_dates(event: Event) -> tuple[dt.date, dt.date]:
    return event.start.astimezone(event.tz).date(), event.end.astimezone(event.tz).date()


def snapshot() -> dict:
    models = (
        Event,
        EventOrganiser,
        Session,
        SessionSpeaker,
        Material,
        RegistrationQuestion,
        Registration,
        Person,
    )
    state: dict = {model.__name__: model.objects.count() for model in models}
    state["event rows"] = sorted(Event.objects.values_list("slug", "updated"))
    state["session rows"] = sorted(Session.objects.values_list("id", "start", "end", "room"))
    state["consent"] = sorted(Person.objects.values_list("id", "public_consent"))
    return state


def test_the_seed_events_exist_with_their_dates():
    run()

    lyon = Event.objects.get(slug=LYON)
    assert local_dates(lyon) == (dt.date(2023, 10, 12), dt.date(2023, 10, 13))
    assert lyon.timezone == "Europe/Paris"
    assert lyon.city == "Lyon" and "Pollutec" in lyon.context
    assert lyon.status == EventStatus.FINISHED
    assert lyon.host.slug == "european-cluster-collaboration-platform"
    assert set(lyon.co_organisers.values_list("slug", flat=True)) == {
        "cimes",
        "region-auvergne-rhone-alpes",
        "auvergne-rhone-alpes-entreprises",
        "polymeris",
        "techtera",
    }
    assert services.registration_closed_reason(lyon)

    clusterplast = Event.objects.get(slug=CLUSTERPLAST)
    assert local_dates(clusterplast) == (dt.date(2010, 6, 28), dt.date(2010, 6, 29))
    assert clusterplast.kind == "dissemination" and clusterplast.interpretation
    assert clusterplast.status == EventStatus.FINISHED
    visits = clusterplast.sessions.filter(kind="visit")
    assert {session.room.split(",")[0] for session in visits} == {
        "Toray Films Europe",
        "IMP laboratory",
    }

    agm = Event.objects.get(slug=AGM)
    assert local_dates(agm) == (dt.date(2016, 5, 27), dt.date(2016, 5, 27))
    assert agm.kind == "general_assembly" and agm.status == EventStatus.FINISHED
    assert agm.host.slug == "france-clusters"
    assert agm.city == ""  # the source does not say where
    assert agm.sessions.filter(kind="round_table").exists()
    assert agm.sessions.filter(title__contains="ESCP-S3").exists()


def test_the_lyon_sessions_have_the_named_speakers():
    run()

    lyon = Event.objects.get(slug=LYON)
    on_agenda = Counter(
        (speaker.session.title, f"{speaker.person.first_name} {speaker.person.last_name}")
        for speaker in SessionSpeaker.objects.filter(session__event=lyon).select_related(
            "session", "person"
        )
    )
    expected = Counter(
        (session.title, f"{speaker.first_name} {speaker.last_name}")
        for session in event_data.CLUSTERS_MEET_REGIONS_LYON.sessions
        for speaker in session.speakers
    )
    assert on_agenda == expected
    assert sum(expected.values()) == 16

    def speakers_of(title_start: str) -> set[str]:
        session = lyon.sessions.get(title__startswith=title_start)
        return {str(speaker.person) for speaker in session.speakers.all()}

    assert speakers_of("Introduction") == {
        "Jan-Philip Kramer",
        "Lisa Besnard",
        "Genoveva Christova",
    }
    assert speakers_of("How the French model") == {
        "Pauline Capus",
        "Vincent Deschamps",
        "Hervé Floch",
    }
    assert speakers_of("Cluster-driven interregional") == {
        "Stéphanie Pernod",
        "Alain Van Raek",
        "Loïc Marin",
        "Jerzy Kopeć",
        "Caitriona Mordan",
    }
    assert speakers_of("Reshoring") == {"Sonia Martin", "Clara Potton"}
    assert speakers_of("Closing conference") == {
        "Sylvain Guetaz",
        "Maud Schneider",
        "Paolo Sabbadini",
    }
    floch = SessionSpeaker.objects.get(session__event=lyon, person__last_name="Floch")
    assert floch.organisation.slug == "afpc"
    kramer = SessionSpeaker.objects.get(session__event=lyon, person__last_name="Kramer")
    assert kramer.organisation.slug == "prognos"
    assert kramer.materials.filter(kind="paper", published=True).exists()
    # Every speaker is a registry person who may be shown publicly.
    assert not SessionSpeaker.objects.filter(
        session__event=lyon, person__public_consent=False
    ).exists()
    # Sessions are inside the event, in its time zone, and do not share a room at once.
    for session in lyon.sessions.all():
        assert lyon.start <= session.start < session.end <= lyon.end
        services.check_session(session)


def test_the_2010_event_has_its_93_participants_by_kind():
    run()

    event = Event.objects.get(slug=CLUSTERPLAST)
    attended = event.registrations.filter(
        status=RegistrationStatus.CONFIRMED, checked_in_at__isnull=False
    )
    assert attended.count() == event.registrations.count() == 93
    by_kind = Counter(attended.values_list("organisation_kind", flat=True))
    assert {
        "cluster organisations": by_kind["cluster"],
        "companies": by_kind["company"],
        "public authorities": by_kind["public_authority"],
        "universities or research centres": by_kind["higher_education"] + by_kind["research"],
        "others": by_kind["other"],
    } == {
        "cluster organisations": 24,
        "companies": 16,
        "public authorities": 28,
        "universities or research centres": 21,
        "others": 4,
    }
    countries = Counter(attended.values_list("country_id", flat=True))
    assert countries.most_common(1)[0][0] == "FR"
    assert {"BE", "DE", "SK", "CH", "NL", "US"} <= set(countries)
    assert all(email.endswith("@example.org") for email in attended.values_list("email", flat=True))
    consenting = attended.filter(listing_consent=True)
    assert 40 <= consenting.count() <= 53
    assert not consenting.filter(listing_consent_at__isnull=True).exists()
    for checked_in in attended.values_list("checked_in_at", flat=True):
        assert checked_in.astimezone(PARIS).date() == dt.date(2010, 6, 28)


def test_the_upcoming_workshop_takes_registrations():
    run()

    event = Event.objects.get(slug=UPCOMING)
    assert event.status == EventStatus.REGISTRATION_OPEN and event.capacity == 120
    assert timezone.now() < event.registration_closes  # the tests run at tests/clock.py's NOW
    assert services.registration_closed_reason(event) is None
    question = event.questions.get(kind="choice")
    registration = services.register_participant(
        event,
        answers={str(question.pk): question.choice_list[0]},
        first_name="Ada",
        last_name="Visitor",
        email="ada.visitor@example.org",
        organisation_name="Demo visitor",
        organisation_kind="company",
        country_id="FR",
    )
    assert registration.status == RegistrationStatus.CONFIRMED
    # The demo team organises the events, so its login shows the organisers' screens.
    assert EventOrganiser.objects.filter(event=event, user__email=registry_data.TEAM_EMAIL).exists()


def test_a_second_run_changes_nothing():
    run()
    first = snapshot()

    output = run()

    assert snapshot() == first
    assert "nothing to change" in output
    assert first["Event"] == len(event_data.EVENTS)
    assert first["Person"] == len(registry_data.PEOPLE)  # every speaker was already there


def test_a_refresh_keeps_the_agenda_and_the_participants():
    run()
    first = snapshot()

    run("--refresh")

    again = snapshot()
    for key in ("Event", "Session", "SessionSpeaker", "Material", "Registration", "consent"):
        assert again[key] == first[key], key


def test_session_keys_are_unique_per_day():
    for spec in event_data.EVENTS:
        keys = [(session.title, session.day) for session in spec.sessions]
        assert len(keys) == len(set(keys)), spec.slug


def test_recorded_attendance_is_all_or_nothing():
    run()
    event = Event.objects.get(slug=AGM)
    row = {
        "first_name": "Eve",
        "last_name": "Example",
        "email": "eve.example@example.org",
        "organisation_name": "Example cluster",
        "organisation_kind": "cluster",
        "country_id": "FR",
    }

    with pytest.raises(ValidationError) as error:
        services.record_attendance(event, [row, {**row, "first_name": "Again"}])
    assert "eve.example@example.org" in str(error.value)
    assert not event.registrations.exists()

    upcoming = Event.objects.get(slug=UPCOMING)
    before = upcoming.registrations.count()
    with pytest.raises(ValidationError):
        services.record_attendance(upcoming, [row])
    assert upcoming.registrations.count() == before

    (recorded,) = services.record_attendance(event, [row])
    assert recorded.status == RegistrationStatus.CONFIRMED and recorded.attended
