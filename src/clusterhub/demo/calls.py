"""Demo calls: "Les pôles pour l'Europe" 2023 (the association's awards, three categories,
closed on 14 September 2023) with illustrative applications from the registry's pôles, and a
"Clusters meet Regions" host call with quarterly cut-offs, open now.

Facts (names, categories and their "started in the last N years", the deadline, who may
apply) come from the public call; the questions, the applications and their answers are
illustrative and say so. Past submissions are written as they stood when the call closed
(the services refuse them today, after the deadline); their receipts are computed as the
services compute them.
"""

from __future__ import annotations

from datetime import datetime, time
from zoneinfo import ZoneInfo

from django.utils import timezone

from clusterhub.calls import services
from clusterhub.calls.models import Application, Call, Category, Question
from clusterhub.registry.models import Organisation

from .base import DemoResult

PARIS = ZoneInfo("Europe/Paris")
BRUSSELS = ZoneInfo("Europe/Brussels")
ILLUSTRATIVE = "(Illustrative demo application.)"

POLES_CATEGORIES = (
    ("initiative", "Best collaborative initiative", 2,
     "A collaboration practice of the pôle with a European reach, started in the last two "
     "years."),
    ("impact", "Impact", 4,
     "European actions led by the pôle that brought its members a positive effect on their "
     "territory, started in the last four years."),
    ("success", "Success story", 2,
     "A success linked to the pôle's European strategy and practice, started in the last two "
     "years."),
)  # fmt: skip
POLES_QUESTIONS = (
    ("title", "Name of the initiative", "text", True, 120),
    ("summary", "What the initiative is and what it achieved", "long_text", True, 3000),
    ("project_start", "Start date of the initiative", "date", True, None),
    ("countries", "Number of countries involved", "number", False, None),
)
# (pôle, category, title, start, countries)
POLES_APPLICATIONS = (
    ("polymeris", "initiative", "European plastics recycling partnership", "2022-05-01", 6),
    ("minalogic", "impact", "Members' access to Horizon Europe consortia", "2020-01-15", 9),
    ("cimes", "success", "Mechanical engineering SMEs in European projects", "2022-09-01", 4),
)


def ensure_calls(refresh: bool, result: DemoResult) -> None:
    organisers = Organisation.objects.in_bulk(
        ["afpc", "european-cluster-collaboration-platform"], field_name="slug"
    )
    if len(organisers) < 2:
        return
    _poles_pour_l_europe(organisers["afpc"], refresh, result)
    _host_call(organisers["european-cluster-collaboration-platform"], refresh, result)


def _call(slug: str, refresh: bool, result: DemoResult, **values) -> tuple[Call, bool]:
    call = Call.objects.filter(slug=slug).first()
    if call is None:
        call = Call.objects.create(slug=slug, **values)
        result.created["calls"] += 1
        return call, True
    if refresh:
        Call.objects.filter(pk=call.pk).update(**values)
        result.updated["calls"] += 1
    return call, False


def _poles_pour_l_europe(afpc: Organisation, refresh: bool, result: DemoResult) -> None:
    deadline = datetime.combine(datetime(2023, 9, 14).date(), time(23, 59, 59), tzinfo=PARIS)
    call, created = _call(
        "les-poles-pour-l-europe-2023",
        refresh,
        result,
        kind="award",
        organiser=afpc,
        title="Les pôles pour l'Europe 2023",
        description=(
            "The association's first awards for the European initiatives of the French "
            "pôles de compétitivité, in three categories, judged by an independent jury."
        ),
        status="published",
        rules=[
            {"rule": "kind", "values": ["cluster"]},
            {"rule": "label", "scheme": "pole", "valid_on": "2023-01-01"},
            {"rule": "country", "values": ["FR"], "names": ["France"]},
        ],
        opens_at=datetime(2023, 6, 1, 9, 0, tzinfo=PARIS),
        deadline=deadline,
        timezone="Europe/Paris",
        prizes="Visibility for the winners: a video, a press release, the pôles' day.",
        results_announced="The association's “Europe” meeting, Paris",
        independent_jury=True,
    )
    if not created:
        return
    categories = {}
    for order, (key, title, years, description) in enumerate(POLES_CATEGORIES):
        categories[key] = Category.objects.create(
            call=call, key=key, title=title, description=description, order=order,
            rules=[{"rule": "project_started_within", "years": years}],
        )  # fmt: skip
    for order, (key, label, kind, required, limit) in enumerate(POLES_QUESTIONS):
        Question.objects.create(call=call, key=key, label=label, kind=kind, required=required,
                                max_length=limit, order=order)  # fmt: skip
    poles = Organisation.objects.in_bulk([a[0] for a in POLES_APPLICATIONS], field_name="slug")
    for day, (slug, category, title, start, countries) in enumerate(POLES_APPLICATIONS):
        if slug not in poles:
            continue
        application = Application(
            call=call,
            category=categories[category],
            organisation=poles[slug],
            status="submitted",
            answers={
                "title": title,
                "summary": f"{title}. {ILLUSTRATIVE}",
                "project_start": start,
                "countries": str(countries),
            },
            submitted_at=datetime(2023, 9, 10 + day, 16, 30, tzinfo=PARIS),
        )
        application.receipt = services.receipt_digest(
            application, application.answers, application.submitted_at
        )
        application.save()
        result.created["applications"] += 1
    _poles_jury(call, result)


# Illustrative jury: invented jurors, scores and comments, marked as such where shown.
POLES_JURORS = (
    ("Jury member 1 (illustrative)", "juror1@jury.example.org", "European projects, plastics"),
    ("Jury member 2 (illustrative)", "juror2@jury.example.org", "Regional innovation, SMEs"),
    ("Jury member 3 (illustrative)", "juror3@jury.example.org", "Digital and microelectronics"),
)
POLES_RUBRIC = (
    ("europe", "European dimension", 40),
    ("impact", "Effect on the members", 35),
    ("originality", "Originality", 25),
)
# scores per application (in POLES_APPLICATIONS order) and juror
POLES_SCORES = ((8, 7, 9), (9, 8, 7), (6, 7, 8))


def _poles_jury(call: Call, result: DemoResult) -> None:
    from decimal import Decimal

    from clusterhub.calls import scoring
    from clusterhub.calls.assignment import assign
    from clusterhub.calls.models import Assignment, Criterion, Juror, Review
    from clusterhub.calls.selectors import affinity_matrix

    call.reviews_per_application = 2
    call.review_opens = datetime(2023, 9, 15, 9, 0, tzinfo=PARIS)
    call.review_closes = datetime(2023, 10, 6, 18, 0, tzinfo=PARIS)
    call.save()
    criteria = [
        Criterion.objects.create(call=call, key=key, label=label, weight=Decimal(weight),
                                 lowest=0, highest=10, order=i)
        for i, (key, label, weight) in enumerate(POLES_RUBRIC)
    ]  # fmt: skip
    jurors = [
        Juror.objects.create(call=call, name=name, email=email, expertise=expertise,
                             status="accepted")
        for name, email, expertise in POLES_JURORS
    ]  # fmt: skip
    applications = list(call.applications.select_related("organisation").order_by("pk"))
    if len(applications) < 2:
        return
    pairs = assign(affinity_matrix(jurors, applications), 2).pairs
    specs = [scoring.Criterion(c.key, c.weight, c.lowest, c.highest) for c in criteria]
    for j, a in pairs:
        assignment = Assignment.objects.create(juror=jurors[j], application=applications[a])
        base = POLES_SCORES[a % len(POLES_SCORES)][j]
        scores = {c.key: max(0, min(10, base - i)) for i, c in enumerate(criteria)}
        Review.objects.create(
            assignment=assignment, scores=scores, total=scoring.weighted(specs, scores),
            comment_for_applicant="A clear European strategy. (Illustrative review.)",
            submitted_at=datetime(2023, 9, 28, 12, 0, tzinfo=PARIS),
        )  # fmt: skip
        result.created["reviews"] += 1
    for application in applications:
        application.outcome = "winner"
        application.prize = f"{application.category.title} (illustrative result)"
        application.decided_at = datetime(2023, 10, 10, 12, 0, tzinfo=PARIS)
        application.notified_at = application.decided_at
        application.save()
    call.results_published_at = datetime(2023, 10, 10, 12, 0, tzinfo=PARIS)
    call.save()


def _host_call(eccp: Organisation, refresh: bool, result: DemoResult) -> None:
    now = timezone.now()
    year = now.year
    call, created = _call(
        "clusters-meet-regions-hosts",
        refresh,
        result,
        kind="host",
        organiser=eccp,
        title="Host a Clusters meet Regions workshop",
        description=(
            "Regions that want to host a two-day Clusters meet Regions workshop apply with a "
            "letter of support from the regional authority. Applications are judged after "
            "each quarterly cut-off. (Illustrative demo call.)"
        ),
        status="published",
        rules=[{"rule": "kind", "values": ["public_authority", "cluster", "other"]}],
        opens_at=datetime(year - 1, 1, 1, 9, 0, tzinfo=BRUSSELS),
        deadline=datetime(year + 1, 12, 31, 17, 0, tzinfo=BRUSSELS),
        timezone="Europe/Brussels",
        rounds="quarter",
    )
    if not created:
        return
    for order, (key, label, kind, required, limit) in enumerate(
        (
            ("region", "Region that would host the workshop", "text", True, 120),
            ("theme", "Theme of the workshop", "long_text", True, 2000),
            ("dates", "Preferred dates", "text", False, 120),
            ("support_letter", "Letter of support from the region", "file", True, None),
        )
    ):
        Question.objects.create(call=call, key=key, label=label, kind=kind, required=required,
                                max_length=limit, order=order,
                                file_types=["pdf"] if kind == "file" else [])  # fmt: skip
