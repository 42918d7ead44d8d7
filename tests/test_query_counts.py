"""No list, page or API, makes more queries for more rows (no N+1).

Each list is asked for with 2 rows, then with 10 (built with the factories), as the user who
may see it; the number of queries must be the same. The API lists are discovered from the
OpenAPI document (every GET whose 200 response is a page, a schema with ``items``), so a new
app's list is covered as soon as it exists: give it a builder in ``API_LISTS`` (keyed by
``app:function``, matched against the operation id, never by path), or this test fails.
List pages are named by their URL name in ``PAGES``.

A builder sets up the parent objects and returns a ``Subject``: the path parameters, who asks,
and ``add(k)``, which adds ``k`` rows to the list.
"""

import itertools
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from clusterhub.core.models import ApiToken
from clusterhub.reference.models import Country, Ecosystem, NaceActivity, NutsRegion, Technology
from clusterhub.registry.models import ClusterLabel
from tests import factories as f

pytestmark = pytest.mark.django_db

FEW, MANY = 2, 10
SEQ = itertools.count()


@dataclass
class Subject:
    add: Callable[[int], object]
    params: dict = field(default_factory=dict)
    user: object = None


def times(k: int, make: Callable[[int], object]) -> None:
    for _ in range(k):
        make(next(SEQ))


# Shared set-ups ------------------------------------------------------------------------------


def team_org():
    user, org = f.team_member()
    return user, org


def organised_event(**fields):
    organiser = f.UserFactory()
    return organiser, f.EventFactory(organiser=organiser, **fields)


def matchmaking_set_up():
    organiser, event = organised_event(kind="matchmaking")
    matchmaking = f.MatchmakingFactory(event=event, by=organiser)
    f.MatchmakingSessionFactory(matchmaking=matchmaking, by=organiser)
    return organiser, matchmaking


def participant(matchmaking, user=None, **fields):
    registration = {"listing_consent": True}
    if user is not None:
        registration.update(user=user, email=user.email)
    return f.ParticipantFactory(
        matchmaking=matchmaking,
        registration__event=matchmaking.event,
        **{f"registration__{k}": v for k, v in registration.items()},
        **fields,
    )


def me_in_matchmaking():
    """A user who opted in to B2B meetings, the set-up, and their participant."""
    _organiser, matchmaking = matchmaking_set_up()
    user = f.UserFactory()
    return user, matchmaking, participant(matchmaking, user=user, pitch="Foams")


def meetings(matchmaking, k):
    times(
        k,
        lambda i: f.MeetingFactory(
            request__matchmaking=matchmaking,
            request__sender=participant(matchmaking),
            request__recipient=participant(matchmaking),
        ),
    )


def requests_both_ways(matchmaking, me, k):
    """Requests I sent and requests I received, pending."""

    def make(i):
        other = participant(matchmaking)
        sender, recipient = (me, other) if i % 2 else (other, me)
        f.MeetingRequestFactory(matchmaking=matchmaking, sender=sender, recipient=recipient)

    times(k, make)


def clusters(k):
    times(
        k,
        lambda i: f.ClusterOrganisationFactory(
            organisation__ecosystems=["digital", "health"],
            organisation__technologies=["iot"],
            labels=[ClusterLabel(scheme="ecei", level="bronze")],
        ),
    )


def events(k):
    partner = f.OrganisationFactory()
    times(
        k,
        lambda i: f.EventFactory(
            title=f"Event {i}",
            start=f.soon(days=10 + i),
            ecosystems=["digital", "health"],
            co_organisers=[partner],
        ),
    )


def opportunities(k):
    times(
        k,
        lambda i: f.OpportunityFactory(
            title=f"Offer {i}", ecosystems=["digital"], technologies=["iot"]
        ),
    )


def calls(k):
    times(k, lambda i: f.FundingCallFactory(deadline=f.soon(days=30 + i)))


def consortia_of(user, org, k):
    times(k, lambda i: f.ConsortiumFactory(coordinator=org, user=user))


def registrations_of(user, k):
    times(
        k,
        lambda i: f.RegistrationFactory(
            event=f.EventFactory(start=f.soon(days=10 + i)), user=user, email=user.email
        ),
    )


# API lists -----------------------------------------------------------------------------------


def api_countries():
    return Subject(
        add=lambda k: times(
            k,
            lambda i: Country.objects.create(
                code=f"{i % 100:02d}", eu_code=f"{i % 100:02d}", name=f"C{i}"
            ),
        )
    )


def api_nuts_regions():
    return Subject(
        add=lambda k: times(
            k,
            lambda i: NutsRegion.objects.create(
                code=f"ZZ{i:03d}", name=f"R{i}", name_latin=f"R{i}", level=3, country_id="FR"
            ),
        )
    )


def api_ecosystems():
    return Subject(
        add=lambda k: times(k, lambda i: Ecosystem.objects.create(slug=f"eco-{i}", name=f"E{i}"))
    )


def api_technologies():
    return Subject(
        add=lambda k: times(k, lambda i: Technology.objects.create(slug=f"tech-{i}", name=f"T{i}"))
    )


def api_nace():
    return Subject(
        add=lambda k: times(
            k, lambda i: NaceActivity.objects.create(code=f"Z{i % 10}", name=f"N{i}")
        )
    )


def api_organisations():
    return Subject(
        add=lambda k: times(
            k, lambda i: f.OrganisationFactory(ecosystems=["digital"], technologies=["iot"])
        )
    )


def api_clusters():
    return Subject(add=clusters)


def api_members():
    profile = f.ClusterOrganisationFactory()
    return Subject(
        params={"slug": profile.organisation.slug},
        add=lambda k: times(k, lambda i: f.MembershipFactory(cluster=profile)),
    )


def api_people():
    org = f.OrganisationFactory()
    return Subject(
        params={"slug": org.slug},
        add=lambda k: times(k, lambda i: f.PersonFactory(organisation=org, consented=True)),
    )


def api_team():
    user, org = team_org()

    def add(k):
        times(k // 2, lambda i: f.ProfileTeamMemberFactory(organisation=org))
        times(k - k // 2, lambda i: f.TeamInvitationFactory(organisation=org, invited_by=user))

    return Subject(params={"slug": org.slug}, user=user, add=add)


def api_projects():
    org = f.OrganisationFactory()
    return Subject(
        params={"slug": org.slug},
        add=lambda k: times(k, lambda i: f.ParticipationFactory(organisation=org)),
    )


def api_collaborators():
    org = f.OrganisationFactory()

    def collaborator(i):
        project = f.ParticipationFactory(organisation=org).project
        f.ParticipationFactory(project=project)

    return Subject(params={"slug": org.slug}, add=lambda k: times(k, collaborator))


def api_my_registrations():
    user = f.UserFactory()
    return Subject(user=user, add=lambda k: registrations_of(user, k))


def api_events():
    return Subject(add=events)


def api_sessions():
    organiser, event = organised_event()

    def session(i):
        start = event.start + timedelta(minutes=(i % 30) * 60)
        s = f.SessionFactory(event=event, start=start, end=start + timedelta(minutes=30))
        f.SessionSpeakerFactory(session=s)

    return Subject(params={"slug": event.slug}, user=organiser, add=lambda k: times(k, session))


def api_registrations():
    organiser, event = organised_event()
    return Subject(
        params={"slug": event.slug},
        user=organiser,
        add=lambda k: times(k, lambda i: f.RegistrationFactory(event=event)),
    )


def api_opportunities():
    return Subject(add=opportunities)


def api_interests():
    user, org = team_org()
    opp = f.OpportunityFactory(owner=org, user=user)
    return Subject(
        params={"pk": opp.pk},
        user=user,
        add=lambda k: times(k, lambda i: f.ExpressionOfInterestFactory(opportunity=opp)),
    )


def api_calls():
    return Subject(add=calls)


def api_action_plans():
    return Subject(add=lambda k: times(k, lambda i: _plan()))


def api_published_calls():
    from tests.calls.test_applications import make_call

    def add(k):
        for _ in range(k):
            n = next(SEQ)
            call = make_call(slug=f"call-{n}", title=f"Call {n}")
            call.organiser.slug = f"association-{n}"
            call.organiser.save()

    return Subject(add=add)


def api_consortia():
    user, org = team_org()
    return Subject(user=user, add=lambda k: consortia_of(user, org, k))


def api_meetings():
    organiser, matchmaking = matchmaking_set_up()
    return Subject(
        params={"slug": matchmaking.event.slug},
        user=organiser,
        add=lambda k: meetings(matchmaking, k),
    )


def api_participants():
    organiser, matchmaking = matchmaking_set_up()
    return Subject(
        params={"slug": matchmaking.event.slug},
        user=organiser,
        add=lambda k: times(k, lambda i: participant(matchmaking)),
    )


def api_requests():
    user, matchmaking, me = me_in_matchmaking()
    return Subject(
        params={"slug": matchmaking.event.slug},
        user=user,
        add=lambda k: requests_both_ways(matchmaking, me, k),
    )


API_LISTS: dict[str, Callable[[], Subject]] = {
    "reference:countries": api_countries,
    "reference:nuts_regions": api_nuts_regions,
    "reference:ecosystems": api_ecosystems,
    "reference:technologies": api_technologies,
    "reference:nace": api_nace,
    "registry:list_organisations": api_organisations,
    "registry:list_clusters": api_clusters,
    "registry:list_members": api_members,
    "registry:list_people": api_people,
    "registry:list_team": api_team,
    "registry:list_projects": api_projects,
    "registry:list_collaborators": api_collaborators,
    "events:my_registrations": api_my_registrations,
    "events:list_events": api_events,
    "events:list_sessions": api_sessions,
    "events:list_registrations": api_registrations,
    "partnering:list_opportunities": api_opportunities,
    "partnering:list_interests": api_interests,
    "partnering:list_calls": api_calls,
    "partnering:list_consortia": api_consortia,
    "matchmaking:list_meetings": api_meetings,
    "matchmaking:list_participants": api_participants,
    "matchmaking:list_requests": api_requests,
    "calls:published_calls": api_published_calls,
    "actionplans:plans": api_action_plans,
}


def builder_key(operation_id: str) -> str | None:
    """The key of ``API_LISTS`` an operation id is for: its app (a word of the id) and its
    function (the end of the id), e.g. ``clusterhub_registry_api_list_clusters`` →
    ``registry:list_clusters``; None when no builder matches. Two matches are an error."""
    words = f"_{operation_id}_"
    found = [
        key
        for key in API_LISTS
        if f"_{key.split(':')[0]}_" in words and words.endswith(f"_{key.split(':')[1]}_")
    ]
    assert len(found) <= 1, f"{operation_id} matches several builders: {found}"
    return found[0] if found else None


def _openapi() -> dict:
    """The OpenAPI document, read once (outside the tests' database: it needs no rows)."""
    from django.test import Client

    response = Client().get("/api/v1/openapi.json")
    assert response.status_code == 200
    return response.json()


def api_lists() -> list[tuple[str, str]]:
    """(operation id, path) of every GET whose 200 response is a page of items."""
    document = _openapi()
    schemas = document.get("components", {}).get("schemas", {})

    def resolve(schema):
        while "$ref" in schema:
            schema = schemas[schema["$ref"].rsplit("/", 1)[-1]]
        return schema

    found = []
    for path, operations in document["paths"].items():
        get = operations.get("get")
        if not get:
            continue
        content = get.get("responses", {}).get("200", {}).get("content", {})
        schema = content.get("application/json", {}).get("schema")
        if schema and "items" in resolve(schema).get("properties", {}):
            found.append((get["operationId"], path))
    return found


API_LIST_OPERATIONS = api_lists()


def test_the_openapi_document_has_list_operations():
    assert len(API_LIST_OPERATIONS) >= len(API_LISTS)


def test_every_api_list_has_a_builder():
    """A new list in the API needs a builder in API_LISTS (so its query count is tested)."""
    missing = [op for op, _path in API_LIST_OPERATIONS if builder_key(op) is None]
    assert not missing, f"give these API lists a builder in tests/test_query_counts.py: {missing}"


def test_every_builder_has_its_api_list():
    """A builder whose list left the API (or was renamed) is noticed."""
    used = {builder_key(op) for op, _path in API_LIST_OPERATIONS}
    assert not set(API_LISTS) - used


def bearer(user) -> dict:
    if user is None:
        return {}
    _token, raw = ApiToken.issue(user, "query counts")
    return {"Authorization": f"Bearer {raw}"}


def count_queries(get) -> tuple[int, object]:
    get()  # warm up: caches that a new row invalidates are filled again
    with CaptureQueriesContext(connection) as queries:
        response = get()
    return len(queries), response


@pytest.mark.parametrize(
    "operation_id, path",
    [pytest.param(op, path, id=builder_key(op) or op) for op, path in API_LIST_OPERATIONS],
)
def test_api_list_queries_do_not_grow_with_rows(client, operation_id, path):
    key = builder_key(operation_id)
    assert key, f"no builder for {operation_id}"
    subject = API_LISTS[key]()
    url = path.format(**subject.params)
    headers = bearer(subject.user)

    def get():
        response = client.get(url, headers=headers)
        assert response.status_code == 200, (url, response.content[:500])
        return response

    subject.add(FEW)
    few, response = count_queries(get)
    total = response.json()["count"]
    subject.add(MANY - FEW)
    many, response = count_queries(get)
    assert response.json()["count"] == total + MANY - FEW, "the builder's rows are not listed"
    assert many == few, f"{url}: {few} queries for {FEW} rows, {many} for {MANY}"


# List pages ----------------------------------------------------------------------------------


def page_members():
    user, org = team_org()
    profile = f.ClusterOrganisationFactory(organisation=org)
    return Subject(
        params={"slug": org.slug},
        user=user,
        add=lambda k: times(k, lambda i: f.MembershipFactory(cluster=profile)),
    )


def page_my_events():
    user = f.UserFactory()
    return Subject(user=user, add=lambda k: registrations_of(user, k))


def page_event_registrations():
    organiser, event = organised_event()
    return Subject(
        params={"slug": event.slug},
        user=organiser,
        add=lambda k: times(k, lambda i: f.RegistrationFactory(event=event)),
    )


def page_consortia():
    user, org = team_org()
    return Subject(user=user, add=lambda k: consortia_of(user, org, k))


def page_b2b_people():
    user, matchmaking, _me = me_in_matchmaking()
    return Subject(
        params={"slug": matchmaking.event.slug},
        user=user,
        add=lambda k: times(k, lambda i: participant(matchmaking, pitch=f"Offer {i}")),
    )


def page_b2b_requests():
    user, matchmaking, me = me_in_matchmaking()
    return Subject(
        params={"slug": matchmaking.event.slug},
        user=user,
        add=lambda k: requests_both_ways(matchmaking, me, k),
    )


def page_b2b_marketplace():
    user, matchmaking, _me = me_in_matchmaking()

    def item(i):
        from clusterhub.matchmaking import services

        services.save_marketplace_item(
            participant(matchmaking), kind="technology_offer", title=f"Item {i}"
        )

    return Subject(params={"slug": matchmaking.event.slug}, user=user, add=lambda k: times(k, item))


def page_manage_participants():
    organiser, matchmaking = matchmaking_set_up()
    return Subject(
        params={"slug": matchmaking.event.slug},
        user=organiser,
        add=lambda k: times(k, lambda i: participant(matchmaking)),
    )


def page_manage_schedule():
    organiser, matchmaking = matchmaking_set_up()
    return Subject(
        params={"slug": matchmaking.event.slug},
        user=organiser,
        add=lambda k: meetings(matchmaking, k),
    )


def _plan():
    import datetime

    from clusterhub.actionplans import services as plans

    user, org = f.team_member()
    plan = plans.create_plan(
        owner=org,
        title=f"Plan {next(SEQ)}",
        by=user,
        template="clusterplast",
        published=True,
        starts_on=datetime.date(2026, 1, 1),
        ends_on=datetime.date(2027, 12, 31),
    )
    return user, org, plan


def page_indicators():
    import datetime

    from clusterhub.insights.models import Indicator, IndicatorValue

    def add(k):
        for _ in range(k):
            org = f.OrganisationFactory()
            indicator = Indicator.objects.create(organisation=org, name=f"I{next(SEQ)}",
                                                 source="Team")  # fmt: skip
            for year in (2021, 2022):
                IndicatorValue.objects.create(indicator=indicator, value=1,
                                              period=datetime.date(year, 1, 1))  # fmt: skip

    return Subject(add=add)


def page_action_plans():
    return Subject(add=lambda k: times(k, lambda i: _plan()))


def page_action_plan():
    import datetime
    from decimal import Decimal

    from clusterhub.actionplans import services as plans

    user, org, plan = _plan()

    def add(k):
        for i in range(k):
            partner = f.OrganisationFactory()
            plans.update_plan(plan, user, partners=[*plan.partners.all(), partner])
            event = f.EventFactory(title=f"Event {next(SEQ)}")
            call = f.ConsortiumFactory()
            action = plans.save_action(
                plan, user, axis=plan.axes.all()[i % 7], title=f"Action {next(SEQ)}", lead=org,
                partners=[partner], starts_on=datetime.date(2026, 2, 1),
                ends_on=datetime.date(2026, 12, 1), budget=Decimal(10),
                fundings=[("Region", "regional", Decimal(5))],
                deliveries={"event": [event.pk], "consortium": [call.pk]},
            )  # fmt: skip
            plans.save_milestone(plan, user, title=f"M{i}", due_on=datetime.date(2026, 6, 1),
                                 action=action)  # fmt: skip
            indicator = plans.save_indicator(plan, user, name=f"I{i}", target=Decimal(3))
            plans.record_value(indicator, user, on=datetime.date(2026, 5, 1), value=Decimal(1))
            plans.recommend(plan, f.UserFactory(), text=f"R{i}", author="A")

    return Subject(add=add, params={"slug": plan.slug}, user=user)


def page_registry_history():
    from clusterhub.core import audit
    from clusterhub.registry import services as registry_services

    user, org = team_org()

    def edit(i):
        with audit.acting(f.UserFactory(), source="web"):
            org.city = f"City {next(SEQ)}"
            registry_services.save_organisation(org)

    return Subject(params={"slug": org.slug}, user=user, add=lambda k: times(k, edit))


def page_event_history():
    from clusterhub.events import services as event_services

    organiser, event = organised_event()

    def edit(i):
        other = f.UserFactory()
        event_services.add_organiser(event, other, added_by=organiser)
        event_services.set_capacity(event, 100 + next(SEQ), by=other)

    return Subject(params={"slug": event.slug}, user=organiser, add=lambda k: times(k, edit))


def page_consortium_history():
    from clusterhub.partnering import services as partnering_services

    user, org = team_org()
    consortium = f.ConsortiumFactory(coordinator=org, user=user)

    def edit(i):
        partnering_services.update_note(consortium, f"Note {next(SEQ)}", user)

    return Subject(params={"pk": consortium.pk}, user=user, add=lambda k: times(k, edit))


def page_opportunity_history():
    from clusterhub.partnering import services as partnering_services

    user, org = team_org()
    opp = f.OpportunityFactory(owner=org, user=user)

    def edit(i):
        opp.title = f"Offer {next(SEQ)}"
        partnering_services.save_opportunity(opp, user=user)

    return Subject(params={"pk": opp.pk}, user=user, add=lambda k: times(k, edit))


def page_consultation_results():
    from clusterhub.consultations import services as consultation_services
    from tests.consultations.test_answers import make_consultation

    consultation = make_consultation(slug=f"consultation-{next(SEQ)}")

    def answer(i):
        identity = consultation_services.Identity(f"person{next(SEQ)}@example.org")
        response, _key = consultation_services.start(consultation, identity)
        consultation_services.save(
            response, answers={"missions": {"choices": ["europe"]}, "satisfied": {"value": 3}},
            profile={"stakeholder_type": ["sme", "cluster", "research"][i % 3], "country": "FR"},
            submit=True, identity=identity,
        )  # fmt: skip

    return Subject(params={"slug": consultation.slug}, add=lambda k: times(k, answer))


def consultations(k):
    from django.utils import timezone

    from clusterhub.consultations.models import Consultation

    for _ in range(k):
        n = next(SEQ)
        Consultation.objects.create(organiser=f.OrganisationFactory(), title=f"Consultation {n}",
                                    slug=f"c-{n}", phase="open",
                                    closes_at=timezone.now() + timedelta(days=9))  # fmt: skip


def called_applications(call, k):
    from django.utils import timezone

    from clusterhub.calls.models import Application

    for _ in range(k):
        Application.objects.create(call=call, organisation=f.OrganisationFactory(),
                                   status="submitted", submitted_at=timezone.now())  # fmt: skip


def page_call_desk():
    from tests.calls.test_applications import make_call

    call = make_call(slug=f"call-{next(SEQ)}")
    user, _org = f.team_member(call.organiser)
    return Subject(params={"slug": call.slug}, user=user,
                   add=lambda k: called_applications(call, k))  # fmt: skip


def news(k):
    from clusterhub.news import services as news_services
    from clusterhub.news.models import Article

    editor = f.UserFactory(is_staff=True)
    for _ in range(k):
        n = next(SEQ)
        article = news_services.save_article(
            Article(title=f"News {n}", summary="Summary", body="Body",
                    organisation=f.OrganisationFactory()),
            editor, tags=[f"tag{n % 3}"],
        )  # fmt: skip
        news_services.publish(article, editor)


PAGES = {
    "news:list": lambda: Subject(add=news),
    "consultations:results": page_consultation_results,
    "consultations:list": lambda: Subject(add=consultations),
    "calls:manage": page_call_desk,
    "calls:jury": page_call_desk,
    "registry:history": page_registry_history,
    "events:history": page_event_history,
    "partnering:consortium-history": page_consortium_history,
    "partnering:opportunity-history": page_opportunity_history,
    "registry:cluster-list": lambda: Subject(add=clusters),
    "registry:organisation-list": lambda: Subject(
        add=lambda k: times(k, lambda i: f.OrganisationFactory(ecosystems=["digital"]))
    ),
    "registry:cluster-members": page_members,
    "events:calendar": lambda: Subject(add=events),
    "actionplans:list": page_action_plans,
    "insights:indicators": page_indicators,
    "actionplans:detail": page_action_plan,
    "events:mine": page_my_events,
    "events:registrations": page_event_registrations,
    "partnering:opportunity-list": lambda: Subject(add=opportunities),
    "partnering:call-list": lambda: Subject(add=calls),
    "partnering:consortium-list": page_consortia,
    "matchmaking:people": page_b2b_people,
    "matchmaking:requests": page_b2b_requests,
    "matchmaking:marketplace": page_b2b_marketplace,
    "matchmaking:manage-participants": page_manage_participants,
    "matchmaking:manage-schedule": page_manage_schedule,
}


@pytest.mark.parametrize("url_name", list(PAGES))
def test_list_page_queries_do_not_grow_with_rows(client, url_name):
    subject = PAGES[url_name]()
    url = reverse(url_name, kwargs=subject.params)
    if subject.user is not None:
        client.force_login(subject.user)

    def get():
        response = client.get(url)
        assert response.status_code == 200, (url, response.status_code)
        return response

    subject.add(FEW)
    few, few_page = count_queries(get)
    subject.add(MANY - FEW)
    many, many_page = count_queries(get)
    # The builder's rows are on the page: it grew with them.
    assert len(many_page.content) > len(few_page.content), f"{url}: the rows are not shown"
    assert many == few, f"{url}: {few} queries for {FEW} rows, {many} for {MANY}"
