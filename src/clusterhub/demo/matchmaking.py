"""B2B meetings for the demo's upcoming 2027 workshop, written through the matchmaking services.

Two meeting sessions (the first afternoon, with a short break, and a breakfast round on the
second morning), three participant types with their networking rules, a dozen fictitious
participants who register and opt in (one exhibitor at their own booth, one meeting remotely),
and requests between them: most accepted, a few declined or still waiting. The meetings are
left unscheduled, so that the demo team (who organise the event) can run the scheduler.

Idempotent: once the event has its B2B set-up nothing is written again, unless ``refresh``,
which re-applies the set-up (length, tables, rules, sessions) and adds what is missing, never
touching requests once some exist. Called by :func:`clusterhub.demo.loader.load_demo`.
"""

from __future__ import annotations

import unicodedata
from dataclasses import dataclass
from datetime import date, datetime, time
from zoneinfo import ZoneInfo

from django.core.exceptions import ValidationError

from clusterhub.events import services as event_services
from clusterhub.events.models import ACTIVE_STATUSES, Event, RegistrationStatus
from clusterhub.matchmaking import services
from clusterhub.matchmaking.models import Matchmaking, MatchmakingSession, Participant

from . import events_data as event_data

EVENT_SLUG = event_data.UPCOMING_WORKSHOP_2027.slug

CLUSTER = "Cluster organisation"
COMPANY = "Company"
RESEARCH = "Research"
RULES = {
    CLUSTER: [CLUSTER, COMPANY, RESEARCH],
    COMPANY: [CLUSTER, COMPANY, RESEARCH],
    RESEARCH: [CLUSTER, COMPANY],  # research centres do not request one another
}


@dataclass(frozen=True)
class DemoSession:
    title: str
    day: date
    start: str
    end: str
    breaks: tuple[tuple[str, str], ...] = ()


SESSIONS = (
    DemoSession(
        "B2B meetings, first afternoon", date(2027, 10, 13), "16:30", "18:00", (("17:10", "17:20"),)
    ),
    DemoSession("B2B breakfast meetings", date(2027, 10, 14), "08:00", "09:00"),
)


@dataclass(frozen=True)
class DemoParticipant:
    first_name: str
    last_name: str
    organisation: str
    kind: str  # OrganisationKind
    country: str
    type: str
    pitch: str
    sessions: tuple[int, ...] = (0, 1)  # indexes in SESSIONS
    remote: bool = False
    fixed_table: str = ""


PARTICIPANTS = (
    DemoParticipant(
        "Hélène",
        "Marchand",
        "Rhône Polymers Cluster (demo)",
        "cluster",
        "FR",
        CLUSTER,
        "We bring 140 plastics processors together; we look for clusters to build a European "
        "project on recycled polymers.",
    ),
    DemoParticipant(
        "Jonas",
        "Albrecht",
        "Baltic Digital Cluster (demo)",
        "cluster",
        "DE",
        CLUSTER,
        "Digital tools for industrial SMEs: we look for partner clusters and technology "
        "providers for a digital innovation hub.",
        sessions=(0,),
    ),
    DemoParticipant(
        "Lucía",
        "Serrano",
        "Iberian Composites Cluster (demo)",
        "cluster",
        "ES",
        CLUSTER,
        "Composites for mobility; open to joint actions with clusters and research centres.",
    ),
    DemoParticipant(
        "Paul",
        "Durand",
        "Moulages Durand (demo)",
        "company",
        "FR",
        COMPANY,
        "Injection moulding SME; we look for recycled raw materials and a testing laboratory.",
    ),
    DemoParticipant(
        "Katrin",
        "Vogel",
        "Extruflex (demo)",
        "company",
        "DE",
        COMPANY,
        "Film extrusion; we offer pilot lines for bio-based films.",
        fixed_table="Booth B1",
    ),
    DemoParticipant(
        "Marco",
        "Ricci",
        "Datafab (demo)",
        "company",
        "IT",
        COMPANY,
        "Software for production planning in SMEs; we look for pilot users.",
    ),
    DemoParticipant(
        "Elena",
        "Ortega",
        "Recyplast (demo)",
        "company",
        "ES",
        COMPANY,
        "Mechanical recycling of polyolefins; we look for buyers and for R&D partners.",
        sessions=(1,),
    ),
    DemoParticipant(
        "Daan",
        "Visser",
        "Sensora (demo)",
        "company",
        "NL",
        COMPANY,
        "Sensors for smart factories; we look for integrators and cluster programmes.",
    ),
    DemoParticipant(
        "Aino",
        "Laine",
        "Nordic Robotics (demo)",
        "company",
        "FI",
        COMPANY,
        "Collaborative robots for small batches; we meet remotely.",
        sessions=(0,),
        remote=True,
    ),
    DemoParticipant(
        "Sophie",
        "Claes",
        "Institute for Circular Polymers (demo)",
        "research",
        "BE",
        RESEARCH,
        "Testing and certification of recycled plastics; we look for industrial partners.",
    ),
    DemoParticipant(
        "Rui",
        "Pereira",
        "Centre for Industrial AI (demo)",
        "research",
        "PT",
        RESEARCH,
        "Machine learning for quality control; we look for data and pilot sites.",
    ),
    DemoParticipant(
        "Agnieszka",
        "Nowak",
        "Laboratory of Advanced Materials (demo)",
        "research",
        "PL",
        RESEARCH,
        "Characterisation of composites; open to joint Horizon Europe proposals.",
        sessions=(1,),
    ),
)

ACCEPT, DECLINE, PENDING = "accept", "decline", "pending"

# (sender, recipient, message, answer): indexes in PARTICIPANTS.
REQUESTS = (
    (3, 9, "Could your lab test our recycled grades?", ACCEPT),
    (3, 6, "We need recycled PP for moulding; shall we talk volumes?", ACCEPT),
    (3, 0, "We would like to join the cluster's recycling working group.", ACCEPT),
    (4, 3, "Our bio-based films could suit your packaging inserts.", ACCEPT),
    (5, 3, "Datafab plans production for moulders like you.", DECLINE),
    (5, 1, "We would like to join the digital innovation hub.", ACCEPT),
    (5, 10, "Could your quality-control models run in our planning tool?", ACCEPT),
    (7, 5, "Our sensors feed planning software: a joint offer?", ACCEPT),
    (7, 1, "Which cluster programmes fund sensor pilots?", PENDING),
    (8, 7, "Robots and sensors: a demo together?", ACCEPT),
    (8, 0, "Remote meeting about robotics for plastics processors?", ACCEPT),
    (0, 2, "A joint European project on recycled polymers in composites?", ACCEPT),
    (0, 11, "Would your lab join our project proposal?", ACCEPT),
    (2, 9, "Certification of recycled fibres?", PENDING),
    (6, 4, "Would recycled films fit your lines?", ACCEPT),
    (6, 11, "Composite recyclates: can you characterise them?", DECLINE),
    (10, 7, "Sensor data for our AI models?", PENDING),
    (9, 4, "Testing bio-based films from your pilot line?", ACCEPT),
)

SETTINGS = {
    "meeting_minutes": 20,
    "tables": 6,
    "remote_meetings": True,
    "request_cap": 8,
    "pending_expiry_days": 5,
}
REQUEST_DEADLINE = datetime(2027, 10, 11, 18, 0)


def _email(spec: DemoParticipant) -> str:
    name = f"b2b.{spec.first_name}.{spec.last_name}".lower().replace(" ", "-")
    return unicodedata.normalize("NFKD", name).encode("ascii", "ignore").decode() + "@example.org"


def _organiser(event: Event):
    seat = event.organisers.select_related("user").order_by("added_at", "pk").first()
    return seat.user if seat else None


def ensure_demo_matchmaking(refresh: bool, result) -> None:
    """Set up the B2B meetings of the demo's 2027 workshop (see the module's docstring).

    ``result`` is the demo's :class:`~clusterhub.demo.base.DemoResult` (its counters)."""
    event = Event.objects.filter(slug=EVENT_SLUG).first()
    if event is None:
        return
    matchmaking = Matchmaking.objects.filter(event=event).first()
    if matchmaking is not None and not refresh:
        return  # the usual second run: two queries
    organiser = _organiser(event)
    if organiser is None:
        return
    tz = ZoneInfo(event.timezone)
    is_new = matchmaking is None
    matchmaking = matchmaking or Matchmaking(event=event)
    for name, value in SETTINGS.items():
        setattr(matchmaking, name, value)
    matchmaking.request_deadline = REQUEST_DEADLINE.replace(tzinfo=tz)
    services.save_matchmaking(matchmaking, by=organiser)
    (result.created if is_new else result.updated)["B2B set-ups"] += 1

    sessions = []
    existing = {s.title: s for s in matchmaking.sessions.all()}
    for spec in SESSIONS:
        session = existing.get(spec.title) or MatchmakingSession(
            matchmaking=matchmaking, title=spec.title
        )
        result.created["B2B sessions"] += int(session.pk is None)
        session.start = datetime.combine(spec.day, time.fromisoformat(spec.start), tzinfo=tz)
        session.end = datetime.combine(spec.day, time.fromisoformat(spec.end), tzinfo=tz)
        session.breaks = [
            [
                datetime.combine(spec.day, time.fromisoformat(a)).isoformat(timespec="minutes"),
                datetime.combine(spec.day, time.fromisoformat(b)).isoformat(timespec="minutes"),
            ]
            for a, b in spec.breaks
        ]
        sessions.append(services.save_session(session, by=organiser))

    types = {t.name: t for t in services.set_participant_types(matchmaking, RULES, by=organiser)}

    participants = _ensure_participants(event, matchmaking, sessions, types, organiser, result)
    if len(participants) == len(PARTICIPANTS) and not matchmaking.requests.exists():
        _make_requests(participants, result)


def _ensure_participants(event, matchmaking, sessions, types, organiser, result) -> list:
    """The demo participants, registered and opted in; [] of those that could not register
    (registration closed, event full)."""
    question = event.questions.filter(kind="choice").first()
    answers = {str(question.pk): question.choice_list[0]} if question else {}
    yes_no = event.questions.filter(kind="yes_no").first()
    if yes_no:
        answers[str(yes_no.pk)] = True
    out = []
    for spec in PARTICIPANTS:
        email = _email(spec)
        registration = (
            event.registrations.filter(email=email, status__in=ACTIVE_STATUSES)
            .order_by("-created")
            .first()
        )
        if registration is None:
            try:
                registration = event_services.register_participant(
                    event,
                    answers=answers,
                    first_name=spec.first_name,
                    last_name=spec.last_name,
                    email=email,
                    organisation_name=spec.organisation,
                    organisation_kind=spec.kind,
                    country_id=spec.country,
                    job_title="",
                    listing_consent=True,
                )
            except ValidationError:
                continue  # registration closed or the event full: no demo participant
            result.created["B2B demo participants"] += 1
        if registration.status != RegistrationStatus.CONFIRMED:
            continue
        participant = Participant.objects.filter(registration=registration).first()
        if participant is None or not participant.opted_in:
            participant = services.opt_in(
                registration,
                type=types[spec.type],
                pitch=spec.pitch,
                sessions=[sessions[i] for i in spec.sessions],
                remote=spec.remote,
            )
        if spec.fixed_table and participant.fixed_table != spec.fixed_table:
            services.set_participant_setup(
                participant, by=organiser, type=participant.type, fixed_table=spec.fixed_table
            )
        out.append(participant)
    return out


def _make_requests(participants: list[Participant], result) -> None:
    for sender, recipient, message, answer in REQUESTS:
        try:
            request = services.send_request(participants[sender], participants[recipient], message)
        except ValidationError:
            continue  # e.g. the request deadline has passed
        result.created["B2B requests"] += 1
        if answer != PENDING:
            services.answer_request(request, participants[recipient], accept=answer == ACCEPT)
            result.created["B2B accepted meetings"] += int(answer == ACCEPT)
