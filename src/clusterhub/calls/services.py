"""Every write of the calls app: drafts, submissions, withdrawals.

A submission is judged by the server's clock (``timezone.now()`` inside the transaction that
writes it), the call's eligibility rules against the registry, and the form's questions; it
is all or nothing, and one organisation has one application per call and category (a
database constraint, so that two team members submitting at once make one application).
"""

from __future__ import annotations

import hashlib
import json
from datetime import date, datetime
from zoneinfo import ZoneInfo

from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.base import ContentFile
from django.db import IntegrityError, transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _

from clusterhub.core import audit
from clusterhub.core.timezones import written

from . import conflicts, eligibility, questions, timeline
from .eligibility import gettext_noop
from .models import (
    Application,
    ApplicationStatus,
    Assignment,
    Attachment,
    Call,
    CallStatus,
    Category,
    Conflict,
    ConflictSource,
    Criterion,
    Juror,
    JurorStatus,
    Outcome,
    Review,
    Vote,
)
from .selectors import applicant_facts, form_questions, on_team


def _require_team(user, application: Application) -> None:
    if not on_team(user, application.organisation_id):
        raise PermissionDenied(
            _("Only the profile team of %(organisation)s may change its application.")
            % {"organisation": application.organisation.name}
        )


def start_application(call: Call, organisation, user, category: Category | None = None):
    """The organisation's application to the call (and category), created as a draft the first
    time; never a second one."""
    if call.status != CallStatus.PUBLISHED:
        raise ValidationError(_("This call is not open for applications."))
    if not on_team(user, organisation.pk):
        raise PermissionDenied(
            _("Only the profile team of %(organisation)s may apply in its name.")
            % {"organisation": organisation.name}
        )
    if category is not None and category.call_id != call.pk:
        raise ValidationError({"category": [_("This category belongs to another call.")]})
    try:
        with transaction.atomic():
            application, _created = Application.objects.get_or_create(
                call=call, category=category, organisation=organisation,
                defaults={"created_by": user},
            )  # fmt: skip
    except IntegrityError:  # another team member created it at the same instant
        application = Application.objects.get(
            call=call, category=category, organisation=organisation
        )
    return application


def save_draft(
    application: Application, user, answers: dict, files: dict | None = None
) -> questions.Cleaned:
    """Keep what was typed (even what is not right yet) and say what is wrong. ``files``:
    uploads by question key ({key: (name, bytes)}); a file that is not right is refused and
    the one stored before stays."""
    _require_team(user, application)
    specs = form_questions(application.call)
    uploads = {key: questions.Upload(name, data) for key, (name, data) in (files or {}).items()}
    kinds = {q.key: q.kind for q in specs}
    typed = {k: v for k, v in answers.items() if isinstance(k, str) and kinds.get(k) != "file"}
    with transaction.atomic():
        locked = Application.objects.select_for_update().get(pk=application.pk)
        if locked.status == ApplicationStatus.WITHDRAWN:
            raise ValidationError(_("This application was withdrawn."))
        merged = {**locked.answers, **typed}
        checked = questions.clean(specs, merged, category=_category_key(locked), files=uploads)
        for key, upload in uploads.items():
            value = checked.values.get(key)
            if not isinstance(value, dict) or checked.for_question(key):
                continue
            for previous in Attachment.objects.filter(application=locked, key=key):
                previous.file.delete(save=False)
                previous.delete()
            stored = Attachment(
                application=locked, key=key, name=upload.name[:200], kind=value["type"],
                size=value["size"],
            )  # fmt: skip
            stored.file.save("upload", ContentFile(upload.data), save=False)
            stored.save()
            merged[key] = value
        locked.answers = merged
        locked.save(update_fields=["answers", "updated"])
    application.answers = merged
    return questions.clean(specs, merged, category=_category_key(application), files=uploads)


def _category_key(application: Application) -> str:
    return application.category.key if application.category_id else ""


def verdict(application: Application, *, project_start=None) -> eligibility.Verdict:
    call = application.call
    rules = eligibility.Rules.from_data(call.rules)
    if application.category_id:
        rules = rules + eligibility.Rules.from_data(application.category.rules)
    return eligibility.check(
        rules,
        applicant_facts(application.organisation),
        deadline=call.deadline.astimezone(ZoneInfo(call.timezone)).date(),  # the call's day
        project_start=project_start,
    )


def project_start(answers: dict):
    """The start date of the project the application is about (the question ``project_start``,
    which categories with a "started within N years" rule ask)."""
    try:
        return date.fromisoformat(str(answers.get("project_start") or ""))
    except ValueError:
        return None


def receipt_digest(application: Application, values: dict, submitted_at: datetime) -> str:
    """SHA-256 of what was submitted, when, by whom: the applicant can prove what they sent."""
    content = {
        "call": application.call_id,
        "category": _category_key(application),
        "organisation": application.organisation_id,
        "answers": values,
        "submitted_at": submitted_at.isoformat(),
    }
    text = json.dumps(content, sort_keys=True, ensure_ascii=False, default=str)
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def submit(application: Application, user) -> Application:
    """Submit (or submit again, with changes) before the deadline: eligible, every required
    answer given and right. Refused with the reasons otherwise; nothing is changed then."""
    _require_team(user, application)
    call = application.call
    with transaction.atomic():
        locked = (
            Application.objects.select_for_update(of=("self",))
            .select_related("call", "category", "organisation")
            .get(pk=application.pk)
        )
        now = timezone.now()  # the server's clock, inside the transaction that writes
        window = timeline.accepting(now, call.opens_at, call.deadline, call.timezone)
        if not window.open:
            raise ValidationError(window.sentence(_, written))
        if locked.status == ApplicationStatus.WITHDRAWN:
            raise ValidationError(_("This application was withdrawn."))
        cleaned = questions.clean(
            form_questions(call), locked.answers, category=_category_key(locked), final=True
        )
        if not cleaned.ok:
            errors: dict[str, list[str]] = {}
            for problem in cleaned.problems:
                errors.setdefault(problem.key or "__all__", []).append(problem.sentence(_))
            raise ValidationError(errors)
        judged = verdict(locked, project_start=project_start(cleaned.values))
        if not judged.eligible:
            raise ValidationError([c.sentence(_) for c in judged.failed + judged.pending])
        locked.status = ApplicationStatus.SUBMITTED
        locked.submitted_at = now
        if call.rounds:
            opens = call.opens_at or call.created
            for item in timeline.rounds(opens, call.deadline, call.rounds, call.timezone):
                if now <= item.cut_off:
                    locked.round = item.number
                    break
        locked.receipt = receipt_digest(locked, cleaned.values, now)
        locked.save(update_fields=["status", "submitted_at", "round", "receipt", "updated"])
        audit.record(
            "calls.submit", locked, scope=call, changes={"receipt": locked.receipt}, by=user
        )
        transaction.on_commit(lambda: _enqueue("send_receipt", locked.pk))
    return locked


def _enqueue(name: str, pk: int) -> None:
    from . import tasks

    getattr(tasks, name).enqueue(pk)


def set_co_applicants(application: Application, user, organisations) -> Application:
    """The team names the organisations applying with it (until the deadline)."""
    _require_team(user, application)
    call = application.call
    window = timeline.accepting(timezone.now(), None, call.deadline, call.timezone)
    if not window.open:
        raise ValidationError(window.sentence(_, written))
    organisations = list(organisations)
    if any(o.pk == application.organisation_id for o in organisations):
        raise ValidationError(
            {"co_applicants": [_("The applicant itself is not one of its co-applicants.")]}
        )
    with transaction.atomic():
        application.co_applicants.set(organisations)
        names = [o.name for o in organisations]
        audit.record("calls.co_applicants", application, scope=call,
                     changes={"co_applicants": names}, by=user)  # fmt: skip
    return application


def withdraw(application: Application, user) -> Application:
    """Withdraw a submitted application before the deadline."""
    _require_team(user, application)
    call = application.call
    with transaction.atomic():
        locked = Application.objects.select_for_update().get(pk=application.pk)
        if locked.status != ApplicationStatus.SUBMITTED:
            raise ValidationError(_("Only a submitted application can be withdrawn."))
        window = timeline.accepting(timezone.now(), None, call.deadline, call.timezone)
        if not window.open:
            raise ValidationError(window.sentence(_, written))
        locked.status = ApplicationStatus.WITHDRAWN
        locked.save(update_fields=["status", "updated"])
        audit.record("calls.withdraw", locked, scope=call, by=user)
    return locked


# Juries ---------------------------------------------------------------------------------------


def _require_organiser(user, call: Call) -> None:
    if not on_team(user, call.organiser_id):
        raise PermissionDenied(_("Only the organisers of the call may do this."))


def invite_juror(call: Call, *, name: str, email: str, organisation=None, by) -> Juror:
    """A juror invited by the organisers. An independent jury takes nobody from an applicant
    organisation."""
    _require_organiser(by, call)
    email = email.strip().lower()
    if (
        call.independent_jury
        and organisation is not None
        and call.applications.filter(organisation=organisation).exists()
    ):
        raise ValidationError(
            {
                "organisation": [
                    _("The jury is independent: %(organisation)s applies to this call.")
                    % {"organisation": organisation.name}
                ]
            }
        )
    if call.jurors.filter(email=email).exists():
        raise ValidationError({"email": [_("This address is already invited.")]})
    juror = Juror.objects.create(call=call, name=name.strip(), email=email,
                                 organisation=organisation)  # fmt: skip
    audit.record("calls.invite_juror", juror, scope=call, by=by)
    transaction.on_commit(lambda: _enqueue("send_juror_invitation", juror.pk))
    return juror


def answer_invitation(
    juror: Juror, user, *, accept: bool, expertise: str = "", capacity: int | None = None,
    declared: dict | None = None,
) -> Juror:  # fmt: skip
    """The invited person answers, under the address the invitation went to (nobody answers in
    someone else's name), with their expertise, capacity and the conflicts they declare
    ({application id: why})."""
    from allauth.account.models import EmailAddress

    if not EmailAddress.objects.filter(
        user=user, email__iexact=juror.email, verified=True
    ).exists():
        raise PermissionDenied(_("This invitation went to another address."))
    if capacity is not None and capacity < 1:
        raise ValidationError({"capacity": [_("Give at least one application, or decline.")]})
    with transaction.atomic():
        juror.user = user
        juror.status = JurorStatus.ACCEPTED if accept else JurorStatus.DECLINED
        juror.expertise = expertise.strip()
        juror.capacity = capacity
        juror.save()
        for application_id, why in (declared or {}).items():
            application = juror.call.applications.get(pk=application_id)
            reason = gettext_noop("%(juror)s declared: %(why)s")
            params = {"juror": juror.name, "why": str(why).strip()[:200]}
            Conflict.objects.get_or_create(
                juror=juror, application=application, reason=reason % params,
                defaults={"source": ConflictSource.DECLARED, "message": reason, "params": params},
            )  # fmt: skip
        audit.record("calls.answer_invitation", juror, scope=juror.call, by=user)
    return juror


def detect_conflicts(call: Call, by=None) -> int:
    """Find the conflicts the registry shows (see ``conflicts``) and record the new ones;
    those the organisers lifted stay lifted. Returns how many are recorded now."""
    from clusterhub.registry.models import Membership, MembershipStatus, Participation

    jurors = list(call.jurors.exclude(status=JurorStatus.DECLINED).select_related("organisation"))
    applications = list(
        call.applications.exclude(status=ApplicationStatus.DRAFT).select_related("organisation")
    )
    juror_orgs = {j.organisation_id for j in jurors if j.organisation_id}
    partners: dict[int, dict[int, str]] = {}
    for application_id, org_id, short, legal in Application.co_applicants.through.objects.filter(
        application__in=applications
    ).values_list("application_id", "organisation_id", "organisation__short_name",
                  "organisation__legal_name"):  # fmt: skip
        partners.setdefault(application_id, {})[org_id] = short or legal
    app_orgs = {a.organisation_id for a in applications} | {
        org for found in partners.values() for org in found
    }
    involved = juror_orgs | app_orgs
    memberships = list(
        Membership.objects.filter(status=MembershipStatus.ACCEPTED)
        .filter(member_id__in=involved, cluster__organisation_id__in=involved)
        .values_list("member_id", "cluster__organisation_id")
    )
    year = timezone.localtime(call.deadline).year
    projects: dict[int, dict] = {}
    for project_id, org_id, acronym, start in Participation.objects.filter(
        project__participations__organisation_id__in=juror_orgs,
        organisation_id__in=involved,
    ).values_list("project_id", "organisation_id", "project__acronym", "project__start_year"):
        entry = projects.setdefault(project_id, {"label": acronym, "year": start, "orgs": set()})
        entry["orgs"].add(org_id)
    found = conflicts.detect(
        [
            conflicts.Juror(j.pk, j.name, {j.organisation_id: j.organisation.name}
                            if j.organisation_id else {}, region=_region(j.organisation))
            for j in jurors
        ],
        [
            conflicts.Application(a.pk, {a.organisation_id: a.organisation.name}
                                  | partners.get(a.pk, {}), region=_region(a.organisation))
            for a in applications
        ],
        memberships=memberships,
        projects=[
            conflicts.PastProject(p["label"] or str(pk), p["year"], frozenset(p["orgs"]))
            for pk, p in projects.items()
        ],
        project_years=call.conflict_project_years,
        year=year,
        same_region=call.conflict_same_region,
    )  # fmt: skip
    created = 0
    for (juror_id, application_id), reasons in found.items():
        for reason in reasons:
            _conflict, new = Conflict.objects.get_or_create(
                juror_id=juror_id, application_id=application_id, reason=reason.sentence(),
                defaults={"source": ConflictSource.DETECTED, "message": reason.message,
                          "params": dict(reason.params)},
            )  # fmt: skip
            created += new
    audit.record("calls.detect_conflicts", call, changes={"new": created}, by=by)
    return created


def _region(organisation) -> str:
    return (organisation.nuts_region_id or "") if organisation is not None else ""


def lift_conflict(conflict: Conflict, by, note: str) -> Conflict:
    """The organisers lift a conflict; the note says why, and the conflict stays on record."""
    _require_organiser(by, conflict.juror.call)
    if not note.strip():
        raise ValidationError({"note": [_("Say why the conflict is lifted.")]})
    conflict.lifted = True
    conflict.note = note.strip()
    conflict.save(update_fields=["lifted", "note", "updated"])
    audit.record("calls.lift_conflict", conflict, scope=conflict.juror.call, by=by)
    return conflict


def conflicted_pairs(call: Call) -> set[tuple[int, int]]:
    """(juror, application) pairs that may not be assigned."""
    return set(
        Conflict.objects.filter(juror__call=call, lifted=False).values_list(
            "juror_id", "application_id"
        )
    )


def add_conflict(juror: Juror, application: Application, by, note: str) -> Conflict:
    """The organisers record a conflict the registry cannot know of."""
    _require_organiser(by, juror.call)
    if application.call_id != juror.call_id:
        raise ValidationError({"application": [_("This application belongs to another call.")]})
    if not note.strip():
        raise ValidationError({"note": [_("Say what the conflict is.")]})
    message = gettext_noop("Added by the organisers: %(note)s")
    params = {"note": note.strip()[:200]}
    conflict, _new = Conflict.objects.get_or_create(
        juror=juror, application=application, reason=message % params,
        defaults={"source": ConflictSource.ORGANISER, "message": message, "params": params,
                  "note": note.strip()},
    )  # fmt: skip
    Assignment.objects.filter(juror=juror, application=application, review__isnull=True).delete()
    audit.record("calls.add_conflict", conflict, scope=juror.call, by=by)
    return conflict


# Assignment -----------------------------------------------------------------------------------


def _reviews_started(call: Call) -> bool:
    return Review.objects.filter(assignment__juror__call=call, submitted_at__isnull=False).exists()


def run_assignment(call: Call, by) -> dict:
    """Assign every submitted application to ``call.reviews_per_application`` accepted jurors
    without a conflict, maximising their affinity (see ``assignment``); with the call's
    fairness floor or cap on a pair's chance when it asks for them. Replaces the previous
    assignment while no review is submitted. Returns the report kept on the call."""
    from . import assignment as solver
    from .selectors import affinity_matrix

    _require_organiser(by, call)
    if _reviews_started(call):
        raise ValidationError(_("Reviews have started: change the assignment by hand."))
    jurors = list(call.jurors.filter(status=JurorStatus.ACCEPTED).order_by("pk"))
    applications = list(
        call.applications.filter(status=ApplicationStatus.SUBMITTED)
        .select_related("organisation")
        .order_by("pk")
    )
    k = call.reviews_per_application
    if not applications:
        raise ValidationError(_("No application is submitted yet."))
    if len(jurors) < k:
        raise ValidationError(
            _("%(k)s reviews per application need at least %(k)s jurors who accepted; %(n)s did.")
            % {"k": k, "n": len(jurors)}
        )
    affinity = affinity_matrix(jurors, applications)
    j_index = {j.pk: i for i, j in enumerate(jurors)}
    a_index = {a.pk: i for i, a in enumerate(applications)}
    pairs = conflicted_pairs(call)
    conflicts = {(j_index[j], a_index[a]) for j, a in pairs if j in j_index and a in a_index}
    for application in applications:
        free = sum((j.pk, application.pk) not in pairs for j in jurors)
        if free < k:
            raise ValidationError(
                _("%(applicant)s has %(free)s jurors without a conflict; it needs %(k)s.")
                % {"applicant": application.organisation.name, "free": free, "k": k}
            )
    capacities = None
    if any(j.capacity for j in jurors):
        even = -(-k * len(applications) // len(jurors))
        capacities = [j.capacity or even for j in jurors]
        if sum(capacities) < k * len(applications):
            raise ValidationError(
                _("The jurors can review %(can)s applications between them; %(need)s are needed.")
                % {"can": sum(capacities), "need": k * len(applications)}
            )
    try:
        if call.pair_cap:
            drawn = solver.randomised_assign(
                affinity, k, float(call.pair_cap), conflicts=conflicts, capacities=capacities
            )
            result, report = drawn.result, {"method": "randomised", "cap": float(call.pair_cap),
                                             "expected": round(drawn.expected, 4)}  # fmt: skip
        elif call.fairness_floor:
            fair = solver.fair_assign(affinity, k, conflicts=conflicts, capacities=capacities)
            result = fair.result
            report = {
                "method": "floor",
                "floor": round(fair.floor, 4),
                "floor_ratio": round(fair.floor_ratio, 4),
                "cost": round(fair.cost, 4),
            }
        else:
            result = solver.assign(affinity, k, conflicts=conflicts, capacities=capacities)
            report = {"method": "optimal"}
    except solver.AssignmentError as error:
        raise ValidationError(
            _("No assignment meets the rules: %(why)s") % {"why": error}
        ) from None
    report |= {
        "total": round(result.total, 4),
        "bound": round(result.bound, 4),
        "ratio": round(result.ratio, 6),
        "loads": [int(result.loads.min()), int(result.loads.max())],
        "at": timezone.now().isoformat(),
        "pairs": len(result.pairs),
    }
    with transaction.atomic():
        Assignment.objects.filter(juror__call=call).delete()
        Assignment.objects.bulk_create(
            Assignment(juror=jurors[j], application=applications[a], created_by=by)
            for j, a in result.pairs
        )
        call.assignment_report = report
        call.save(update_fields=["assignment_report", "updated"])
        audit.record("calls.run_assignment", call, changes=report, by=by)
    return report


def assign_by_hand(juror: Juror, application: Application, by) -> Assignment:
    """The organisers add a juror to an application: refused when the juror is in conflict,
    already assigned, or full."""
    call = juror.call
    _require_organiser(by, call)
    if application.call_id != call.pk or application.status != ApplicationStatus.SUBMITTED:
        raise ValidationError({"application": [_("Choose a submitted application of this call.")]})
    if juror.status != JurorStatus.ACCEPTED:
        raise ValidationError({"juror": [_("%(juror)s has not accepted.") % {"juror": juror.name}]})
    conflict = Conflict.objects.filter(juror=juror, application=application, lifted=False).first()
    if conflict is not None:
        raise ValidationError(
            {"juror": [_("%(juror)s has a conflict with %(applicant)s: %(reason)s")
                       % {"juror": juror.name, "applicant": application.organisation.name,
                          "reason": conflict.sentence()}]}
        )  # fmt: skip
    if Assignment.objects.filter(juror=juror, application=application).exists():
        raise ValidationError({"juror": [_("%(juror)s is already assigned to it.")
                                         % {"juror": juror.name}]})  # fmt: skip
    load = juror.assignments.count()
    if juror.capacity and load >= juror.capacity:
        raise ValidationError(
            {"juror": [_("%(juror)s reviews at most %(capacity)s applications.")
                       % {"juror": juror.name, "capacity": juror.capacity}]}
        )  # fmt: skip
    made = Assignment.objects.create(juror=juror, application=application, by_hand=True,
                                     created_by=by)  # fmt: skip
    audit.record("calls.assign_by_hand", made, scope=call, by=by)
    return made


def unassign(assignment: Assignment, by) -> None:
    call = assignment.juror.call
    _require_organiser(by, call)
    if Review.objects.filter(assignment=assignment, submitted_at__isnull=False).exists():
        raise ValidationError(_("This juror has already submitted the review."))
    audit.record("calls.unassign", assignment, scope=call, by=by)
    assignment.delete()


# Rubric and reviews ---------------------------------------------------------------------------


def set_rubric(call: Call, rows: list[dict], by) -> list[Criterion]:
    """Replace the call's rubric (rows: key, label, description, weight, lowest, highest);
    the weights must sum to 100. Refused once a review is submitted."""
    from decimal import Decimal, InvalidOperation

    from . import scoring

    _require_organiser(by, call)
    if _reviews_started(call):
        raise ValidationError(_("Reviews have started: the rubric can no longer change."))
    specs = []
    for row in rows:
        try:
            weight = Decimal(str(row.get("weight", "")).replace(",", "."))
        except InvalidOperation:
            raise ValidationError(
                {row.get("key") or "weight": [_("The weight must be a number.")]}
            ) from None
        specs.append(scoring.Criterion(row["key"], weight, int(row.get("lowest", 0)),
                                       int(row.get("highest", 10))))  # fmt: skip
    try:
        scoring.check_rubric(specs)
    except scoring.RubricError as error:
        raise ValidationError({error.field: [_rubric_message(error, specs)]}) from None
    with transaction.atomic():
        call.criteria.all().delete()
        made = Criterion.objects.bulk_create(
            Criterion(call=call, key=spec.key, label=row.get("label") or spec.key,
                      description=row.get("description", ""), weight=spec.weight,
                      lowest=spec.lowest, highest=spec.highest, order=i)
            for i, (spec, row) in enumerate(zip(specs, rows, strict=True))
        )  # fmt: skip
        audit.record("calls.set_rubric", call, changes={"criteria": [r["key"] for r in rows]},
                     by=by)  # fmt: skip
    return made


def _rubric_message(error, specs) -> str:
    """The rubric error in the reader's language."""
    text = str(error)
    if "sum to" in text:
        total = sum((s.weight for s in specs), start=type(specs[0].weight)(0)) if specs else 0
        return _("The weights sum to %(total)s; they must sum to 100.") % {"total": total}
    if "must go up" in text:
        return _("The highest score must be above the lowest.")
    if "weight" in text:
        return _("The weight must be above 0.")
    if "same key" in text:
        return _("Two criteria have the same key.")
    return _("A rubric needs at least one criterion.")


def _window(call: Call, now) -> None:
    if call.review_opens and now < call.review_opens:
        raise ValidationError(
            _("Reviews open on %(date)s.")
            % {"date": written(call.review_opens, ZoneInfo(call.timezone))}
        )  # fmt: skip
    if call.review_closes and now > call.review_closes:
        raise ValidationError(_("Reviews closed; ask the organisers."))


def save_review(
    assignment: Assignment, user, *, scores: dict, comment_for_applicant: str = "",
    comment_for_jury: str = "", submit: bool = False,
) -> Review:  # fmt: skip
    """The juror saves (or submits) their review. Each score must be a whole number on its
    criterion's scale; a submitted review has every score. Nobody reviews in another's name."""
    from . import scoring

    juror = assignment.juror
    if juror.user_id is None or juror.user_id != getattr(user, "pk", None):
        raise PermissionDenied(_("Only the juror assigned may review this application."))
    call = juror.call
    _window(call, timezone.now())
    criteria = list(call.criteria.all())
    if not criteria:
        raise ValidationError(_("The organisers have not set the rubric yet."))
    errors: dict[str, list[str]] = {}
    clean: dict[str, int] = {}
    for c in criteria:
        raw = scores.get(c.key)
        if raw in (None, ""):
            if submit:
                errors[c.key] = [_("Give a score for “%(criterion)s”.") % {"criterion": c.label}]
            continue
        try:
            value = int(str(raw).strip())
        except ValueError:
            errors[c.key] = [_("“%(criterion)s”: give a whole number.") % {"criterion": c.label}]
            continue
        if not c.lowest <= value <= c.highest:
            errors[c.key] = [
                _("“%(criterion)s”: the score must be from %(low)s to %(high)s.")
                % {"criterion": c.label, "low": c.lowest, "high": c.highest}
            ]
            continue
        clean[c.key] = value
    if errors:
        raise ValidationError(errors)
    specs = [scoring.Criterion(c.key, c.weight, c.lowest, c.highest) for c in criteria]
    total = scoring.weighted(specs, clean) if len(clean) == len(criteria) else None
    with transaction.atomic():
        review, _new = Review.objects.select_for_update().get_or_create(assignment=assignment)
        review.scores = clean
        review.total = total
        review.comment_for_applicant = comment_for_applicant.strip()
        review.comment_for_jury = comment_for_jury.strip()
        if submit:
            review.submitted_at = timezone.now()
        review.save()
        audit.record("calls.review", review, scope=call,
                     changes={"scores": clean, "submitted": submit}, by=user)  # fmt: skip
    return review


def remind_jurors(call: Call, by) -> int:
    """E-mail every juror with reviews still to submit; returns how many are reminded."""
    _require_organiser(by, call)
    late = list(
        call.jurors.filter(status=JurorStatus.ACCEPTED)
        .filter(
            Q(assignments__review__isnull=True) | Q(assignments__review__submitted_at__isnull=True),
            assignments__isnull=False,
        )
        .distinct()
    )
    audit.record("calls.remind_jurors", call, changes={"reminded": len(late)}, by=by)
    for juror in late:
        transaction.on_commit(lambda pk=juror.pk: _enqueue("send_reminder", pk))
    return len(late)


# Shortlist, vote, decisions -------------------------------------------------------------------


def set_shortlisted(application: Application, by, shortlisted: bool) -> Application:
    _require_organiser(by, application.call)
    if application.status != ApplicationStatus.SUBMITTED:
        raise ValidationError(_("Only a submitted application can be shortlisted."))
    application.shortlisted = shortlisted
    application.save(update_fields=["shortlisted", "updated"])
    audit.record("calls.shortlist", application, scope=application.call,
                 changes={"shortlisted": shortlisted}, by=by)  # fmt: skip
    return application


def vote(juror: Juror, user, application: Application) -> Vote:
    """The juror's final vote for one shortlisted application (a new vote replaces theirs)."""
    if juror.user_id is None or juror.user_id != getattr(user, "pk", None):
        raise PermissionDenied(_("Only the juror may cast their vote."))
    if application.call_id != juror.call_id or not application.shortlisted:
        raise ValidationError({"application": [_("Vote for a shortlisted application.")]})
    if Conflict.objects.filter(juror=juror, application=application, lifted=False).exists():
        raise ValidationError({"application": [_("You have a conflict with this application.")]})
    made, _new = Vote.objects.update_or_create(juror=juror, defaults={"application": application})
    audit.record("calls.vote", made, scope=juror.call, by=user)
    return made


def decide(application: Application, by, *, outcome: str, prize: str = "", feedback: str = ""):
    """The organisers' decision; once results are published the applicant hears at once."""
    call = application.call
    _require_organiser(by, call)
    if application.status != ApplicationStatus.SUBMITTED:
        raise ValidationError(_("Only a submitted application can be decided on."))
    if outcome not in Outcome.values:
        raise ValidationError({"outcome": [_("Choose a decision from the list.")]})
    changed = outcome != application.outcome
    application.outcome = outcome
    application.prize = prize.strip()[:200]
    application.feedback = feedback.strip()
    application.decided_at = timezone.now() if outcome else None
    if changed:
        application.notified_at = None
    application.save(update_fields=["outcome", "prize", "feedback", "decided_at", "notified_at",
                                     "updated"])  # fmt: skip
    audit.record("calls.decide", application, scope=call,
                 changes={"outcome": outcome, "prize": application.prize}, by=by)  # fmt: skip
    if call.results_published_at and outcome:
        transaction.on_commit(lambda: _enqueue("send_decision", application.pk))
    return application


def publish_results(call: Call, by) -> int:
    """Publish the winners' page and tell every applicant with a decision. Returns how many
    applicants are told."""
    _require_organiser(by, call)
    decided = list(call.applications.filter(status=ApplicationStatus.SUBMITTED).exclude(outcome=""))
    if not decided:
        raise ValidationError(_("Decide on at least one application first."))
    with transaction.atomic():
        call.results_published_at = call.results_published_at or timezone.now()
        call.save(update_fields=["results_published_at", "updated"])
        audit.record("calls.publish_results", call, changes={"decided": len(decided)}, by=by)
        for application in decided:
            transaction.on_commit(lambda pk=application.pk: _enqueue("send_decision", pk))
    return len(decided)


def lift_anonymity(call: Call, by) -> Call:
    _require_organiser(by, call)
    call.anonymity_lifted = True
    call.save(update_fields=["anonymity_lifted", "updated"])
    audit.record("calls.lift_anonymity", call, by=by)
    return call


def save_deliberation(call: Call, by, notes: str) -> Call:
    _require_organiser(by, call)
    call.deliberation = notes.strip()
    call.save(update_fields=["deliberation", "updated"])
    audit.record("calls.deliberation", call, by=by)
    return call


def _describe_actions() -> None:
    from django.utils.translation import gettext_lazy

    for action, label in {
        "calls.submit": gettext_lazy("submitted an application"),
        "calls.withdraw": gettext_lazy("withdrew an application"),
        "calls.invite_juror": gettext_lazy("invited a juror"),
        "calls.answer_invitation": gettext_lazy("answered the jury invitation"),
        "calls.detect_conflicts": gettext_lazy("checked conflicts against the registry"),
        "calls.lift_conflict": gettext_lazy("lifted a conflict"),
        "calls.add_conflict": gettext_lazy("recorded a conflict"),
        "calls.run_assignment": gettext_lazy("assigned the applications to jurors"),
        "calls.assign_by_hand": gettext_lazy("assigned a juror by hand"),
        "calls.unassign": gettext_lazy("took a juror off an application"),
        "calls.set_rubric": gettext_lazy("changed the rubric"),
        "calls.review": gettext_lazy("saved a review"),
        "calls.shortlist": gettext_lazy("changed the shortlist"),
        "calls.vote": gettext_lazy("voted"),
        "calls.decide": gettext_lazy("decided on an application"),
        "calls.publish_results": gettext_lazy("published the results"),
        "calls.lift_anonymity": gettext_lazy("let jurors see who applies"),
        "calls.deliberation": gettext_lazy("saved the deliberation notes"),
        "calls.save_call": gettext_lazy("saved the call and its form"),
        "calls.co_applicants": gettext_lazy("named the co-applicants"),
        "calls.remind_jurors": gettext_lazy("reminded the jurors"),
    }.items():
        audit.describe(action, label)


_describe_actions()


# The call itself -------------------------------------------------------------------------------


def save_call(form, categories, questions_formset, by) -> Call:
    """Save a call with its categories and questions (all or nothing); the user must be on
    the organiser's profile team."""
    from clusterhub.core.slugs import unique_slug

    call = form.save(commit=False)
    _require_organiser(by, call)
    with transaction.atomic():
        if not call.slug:
            call.slug = unique_slug(call.title, Call.objects.all(), fallback="call")
        creating = call.pk is None
        call.save()
        categories.instance = call
        categories.save()
        questions_formset.instance = call
        for i, question_form in enumerate(questions_formset.forms):
            question_form.instance.order = i
        questions_formset.save()
        audit.record("calls.save_call", call, by=by, changes={"created": creating})
    return call
