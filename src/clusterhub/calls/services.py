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
from django.utils import timezone
from django.utils.translation import gettext as _

from clusterhub.core import audit

from . import conflicts, eligibility, questions, timeline
from .eligibility import gettext_noop
from .models import (
    Application,
    ApplicationStatus,
    Attachment,
    Call,
    CallStatus,
    Category,
    Conflict,
    ConflictSource,
    Juror,
    JurorStatus,
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
            raise ValidationError(window.sentence(_))
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
    return locked


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
            raise ValidationError(window.sentence(_))
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
    app_orgs = {a.organisation_id for a in applications}
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
            conflicts.Application(a.pk, {a.organisation_id: a.organisation.name},
                                  region=_region(a.organisation))
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
