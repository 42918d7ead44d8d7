"""Every write of the events app: events, agenda, materials, registrations, check-in.

Registration is the delicate part: several people may take the last seats at once. Each
registration runs in one transaction that first locks the event row (``SELECT … FOR UPDATE`` on
PostgreSQL; SQLite serialises writers with ``BEGIN IMMEDIATE``), then counts the confirmed seats.
"""

from __future__ import annotations

import zipfile
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import timedelta

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from clusterhub.core.audit import audited
from clusterhub.core.slugs import unique_slug
from clusterhub.core.timezones import written
from clusterhub.registry.models import Organisation, Person

from .models import (
    ACTIVE_STATUSES,
    Event,
    EventOrganiser,
    EventStatus,
    Material,
    QuestionKind,
    Registration,
    RegistrationQuestion,
    RegistrationStatus,
    Session,
    SessionSpeaker,
)

MAX_MATERIAL_BYTES = 50 * 1024 * 1024


# Events -------------------------------------------------------------------------------------


def unique_event_slug(title: str, start, exclude_pk: int | None = None) -> str:
    return unique_slug(
        f"{title} {start:%Y}", Event.objects.all(), fallback="event", exclude_pk=exclude_pk
    )


@audited("events.event.saved", by="created_by", label=gettext_lazy("saved the event"))
@transaction.atomic
def save_event(
    event: Event,
    *,
    co_organisers: Iterable[Organisation] | None = None,
    ecosystems=None,
    created_by=None,
) -> Event:
    """Validate and save an event; its creator joins its organising team."""
    if event.pk:
        _lock(event)  # the capacity check and the waiting list below race with registrations
    errors = {}
    if event.start and event.end and event.end <= event.start:
        errors["end"] = _("An event ends after it starts.")
    if (
        event.registration_opens
        and event.registration_closes
        and event.registration_closes <= event.registration_opens
    ):
        errors["registration_closes"] = _("Registration closes after it opens.")
    if errors:
        raise ValidationError(errors)
    if not event.slug and event.start:
        event.slug = unique_event_slug(event.title, event.start, exclude_pk=event.pk)
    event.full_clean()
    if event.pk:
        outside = event.sessions.exclude(start__gte=event.start, end__lte=event.end)
        if outside.exists():
            raise ValidationError(
                {
                    "start": _(
                        "%(n)d session(s) would fall outside the event's dates; move them first."
                    )
                    % {"n": outside.count()}
                }
            )
        if event.capacity is not None:
            confirmed = event.registrations.filter(status=RegistrationStatus.CONFIRMED).count()
            if event.capacity < confirmed:
                raise ValidationError(
                    {
                        "capacity": _(
                            "%(n)d participants are already confirmed: the capacity cannot be "
                            "lower."
                        )
                        % {"n": confirmed}
                    }
                )
    event.save()
    if co_organisers is not None:
        event.co_organisers.set(co_organisers)
    if ecosystems is not None:
        event.ecosystems.set(ecosystems)
    if created_by is not None:
        EventOrganiser.objects.get_or_create(
            event=event, user=created_by, defaults={"added_by": created_by}
        )
    promote_waitlist(event)
    return event


@audited(
    "events.organiser.added",
    returns=True,
    by="added_by",
    scope=lambda o: o.event,
    label=gettext_lazy("added an organiser"),
)
def add_organiser(event: Event, user, added_by) -> EventOrganiser:
    if not added_by.has_perm("events.manage_event", event):
        raise PermissionDenied(_("Only the event's organisers may add organisers."))
    seat, _created = EventOrganiser.objects.get_or_create(
        event=event, user=user, defaults={"added_by": added_by}
    )
    return seat


# Agenda -------------------------------------------------------------------------------------


def check_session(session: Session) -> None:
    event = session.event
    errors = {}
    if session.start and session.end:
        if session.end <= session.start:
            errors["end"] = _("A session ends after it starts.")
        elif session.start < event.start or session.end > event.end:
            tz = event.tz
            errors["start"] = _(
                "The session must take place during the event (%(start)s – %(end)s, %(tz)s)."
            ) % {
                "start": written(event.start, tz),
                "end": written(event.end, tz),
                "tz": event.timezone,
            }
    if not errors and session.room:
        clash = (
            Session.objects.filter(
                event=event, room__iexact=session.room, start__lt=session.end, end__gt=session.start
            )
            .exclude(pk=session.pk)
            .first()
        )
        if clash is not None:
            errors["room"] = _("%(room)s is taken by “%(title)s” at that time.") % {
                "room": session.room,
                "title": clash.title,
            }
    if errors:
        raise ValidationError(errors)


@audited("events.session.saved", scope=lambda o: o.event, label=gettext_lazy("saved a session"))
@transaction.atomic
def save_session(session: Session) -> Session:
    if session.start and session.end:
        check_session(session)  # first: its messages say more than the database constraint's
    session.full_clean(exclude=["event"])
    session.save()
    return session


@dataclass
class SpeakerInput:
    person: Person
    organisation: Organisation | None = None
    role: str = ""
    talk_title: str = ""


@audited(
    "events.speakers.set",
    counts=lambda r, a: {"count": len(r)},
    scope=lambda o: o.event,
    label=gettext_lazy("set the speakers of a session"),
)
@transaction.atomic
def set_speakers(session: Session, speakers: list[SpeakerInput]) -> list[SessionSpeaker]:
    session.speakers.exclude(person__in=[s.person for s in speakers]).delete()
    out = []
    for order, spec in enumerate(speakers):
        speaker, _created = SessionSpeaker.objects.update_or_create(
            session=session,
            person=spec.person,
            defaults={
                "organisation": spec.organisation or spec.person.organisation,
                "role": spec.role,
                "talk_title": spec.talk_title,
                "order": order,
            },
        )
        out.append(speaker)
    return out


# Materials ----------------------------------------------------------------------------------

# extension -> what the file's first bytes must show
ALLOWED_MATERIALS = {
    "pdf": "application/pdf",
    "pptx": "application/vnd.openxmlformats-officedocument.presentationml.presentation",
    "docx": "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    "odp": "application/vnd.oasis.opendocument.presentation",
    "odt": "application/vnd.oasis.opendocument.text",
    "png": "image/png",
    "jpg": "image/jpeg",
    "jpeg": "image/jpeg",
}
_OOXML_PART = {"pptx": "ppt/", "docx": "word/", "xlsx": "xl/"}


def sniff_material(name: str, head: bytes, fileobj) -> str:
    """The content type of an upload, checked against what its name claims; else an error."""
    ext = name.rsplit(".", 1)[-1].lower() if "." in name else ""
    if ext not in ALLOWED_MATERIALS:
        raise ValidationError(
            {
                "file": _("Upload a PDF, slides or a document (%(kinds)s), not “.%(ext)s”.")
                % {"kinds": ", ".join(sorted(ALLOWED_MATERIALS)), "ext": ext or "?"}
            }
        )
    ok = False
    if ext == "pdf":
        ok = head.startswith(b"%PDF-")
    elif ext == "png":
        ok = head.startswith(b"\x89PNG\r\n\x1a\n")
    elif ext in ("jpg", "jpeg"):
        ok = head.startswith(b"\xff\xd8\xff")
    elif head.startswith(b"PK\x03\x04"):
        try:
            fileobj.seek(0)
            with zipfile.ZipFile(fileobj) as archive:
                names = archive.namelist()
                if ext in _OOXML_PART:
                    ok = "[Content_Types].xml" in names and any(
                        n.startswith(_OOXML_PART[ext]) for n in names
                    )
                else:
                    ok = archive.read("mimetype").decode() == ALLOWED_MATERIALS[ext]
        except (zipfile.BadZipFile, KeyError, UnicodeDecodeError):
            ok = False
    if not ok:
        raise ValidationError(
            {
                "file": _("The file “%(name)s” is not a real .%(ext)s file.")
                % {"name": name, "ext": ext}
            }
        )
    return ALLOWED_MATERIALS[ext]


@audited("events.material.saved", scope=lambda o: o.event, label=gettext_lazy("saved a material"))
@transaction.atomic
def save_material(material: Material, upload=None) -> Material:
    """Save a material: an uploaded file (type and size checked) or a link."""
    if upload is not None:
        if upload.size > MAX_MATERIAL_BYTES:
            raise ValidationError(
                {
                    "file": _("The file is larger than %(mb)d MB.")
                    % {"mb": MAX_MATERIAL_BYTES // 2**20}
                }
            )
        upload.seek(0)
        head = upload.read(16)
        material.content_type = sniff_material(upload.name, head, upload)
        upload.seek(0)
        material.size = upload.size
        material.file = upload
        material.url = ""
    if material.session_id and material.session.event_id != material.event_id:
        raise ValidationError({"session": _("That session belongs to another event.")})
    if material.speaker_id:
        material.session_id = material.speaker.session_id
    material.full_clean(exclude=["file"] if upload is None and material.file else None)
    material.save()
    return material


# Registrations ------------------------------------------------------------------------------


def registration_closed_reason(event: Event, now=None) -> str | None:
    """Why nobody can register now, in words; None when registration is open."""
    now = now or timezone.now()
    if event.status == EventStatus.CANCELLED:
        return _("This event is cancelled.")
    if event.status in (EventStatus.DRAFT,):
        return _("This event is not published yet.")
    if event.status in (EventStatus.REGISTRATION_CLOSED, EventStatus.FINISHED) or now >= event.end:
        return _("Registration for this event is closed.")
    if event.registration_opens and now < event.registration_opens:
        return _("Registration opens on %(date)s.") % {
            "date": written(event.registration_opens, event.tz)
        }
    if event.registration_closes and now >= event.registration_closes:
        return _("Registration for this event is closed.")
    return None


def check_answers(event: Event, answers: dict) -> dict:
    """The answers to the organisers' questions, checked; keys are question ids as strings."""
    clean, errors = {}, {}
    for question in event.questions.all():
        key = str(question.pk)
        value = answers.get(key, answers.get(question.pk))
        if isinstance(value, str):
            value = value.strip()
        if value in (None, ""):
            if question.required:
                errors[f"question_{key}"] = _("“%(q)s” needs an answer.") % {"q": question.label}
            continue
        if question.kind == QuestionKind.YES_NO:
            if isinstance(value, str):
                value = value.lower() in ("yes", "true", "1", "on", "oui")
            value = bool(value)
        elif question.kind == QuestionKind.CHOICE:
            if value not in question.choice_list:
                errors[f"question_{key}"] = _("Choose one of: %(choices)s.") % {
                    "choices": ", ".join(question.choice_list)
                }
                continue
        else:
            value = str(value)[:2000]
        clean[key] = value
    if errors:
        raise ValidationError(errors)
    return clean


def confirmed_count(event: Event) -> int:
    return event.registrations.filter(status=RegistrationStatus.CONFIRMED).count()


def _lock(event: Event) -> Event:
    return Event.objects.select_for_update().get(pk=event.pk)


def _notify(registration: Registration, kind: str) -> None:
    from .tasks import send_registration_email

    transaction.on_commit(lambda: send_registration_email.enqueue(registration.pk, kind))


# What a participant may change in their own registration (the consent has its own switch).
REGISTRANT_FIELDS = (
    "first_name",
    "last_name",
    "job_title",
    "organisation_name",
    "organisation",
    "organisation_kind",
    "country",
    "dietary_needs",
    "accessibility_needs",
)


@audited(
    "events.registration.changed",
    by="user",
    scope=lambda r: r.event,
    label=gettext_lazy("changed their registration"),
)
@transaction.atomic
def update_registration(
    registration: Registration, user, *, answers: dict, sessions=None, **details
):
    """The participant changes their own details and answers (never their address, status or
    ticket), until the event ends. Nobody changes them in their name."""
    if registration.user_id is None or registration.user_id != getattr(user, "pk", None):
        raise PermissionDenied(_("Only the participant may change their registration."))
    if registration.status not in ACTIVE_STATUSES or registration.event.end <= timezone.now():
        raise ValidationError(_("This registration can no longer be changed."))
    details.pop("email", None)
    for field in REGISTRANT_FIELDS:
        if field in details:
            setattr(registration, field, details[field])
    registration.answers = check_answers(registration.event, answers)
    registration.full_clean(exclude=["event", "user", "answers"], validate_unique=False,
                            validate_constraints=False)  # fmt: skip
    registration.save()
    if sessions is not None:
        registration.chosen_sessions.set(_chosen(registration.event, sessions))
    return registration


def _chosen(event: Event, sessions) -> list:
    """The sessions a participant chose, each of this event (breaks are not chosen)."""
    chosen = list(sessions or [])
    if chosen and not event.session_choice:
        raise ValidationError({"chosen_sessions": _("This event does not ask which sessions.")})
    for session in chosen:
        if session.event_id != event.pk or session.kind == "break":
            raise ValidationError(
                {"chosen_sessions": _("“%(title)s” is not a session to choose in this event.")
                 % {"title": session.title}}
            )  # fmt: skip
    return chosen


@audited(
    "events.registration.created",
    returns=True,
    by="user",
    scope=lambda o: o.event,
    label=gettext_lazy("registered a participant"),
)
def register_participant(
    event: Event, *, user=None, answers: dict | None = None, sessions=None, **details
) -> Registration:
    """Register someone: confirmed, waitlisted when full, or pending when approval is needed.

    ``details`` are the Registration fields (first_name, last_name, email, organisation_name,
    organisation_kind, country, …, listing_consent); with a ``user``, the e-mail is always the
    account's. A second active registration with the same
    e-mail is refused, as is any registration while registration is closed.

    What needs no lock is checked first (fields, answers: all their errors at once); the
    transaction that holds the event's lock only re-checks that registration is open, looks
    for a duplicate, counts the seats and inserts, so that concurrent registrations wait for
    each other as briefly as possible.
    """
    event = Event.objects.get(pk=event.pk)  # the caller's copy may be stale
    reason = registration_closed_reason(event)
    if reason:
        raise ValidationError({"__all__": reason})
    # A registration belongs to its account: a signed-in person registers with the address
    # they verified, whatever address the form or the request carried. Registrations without
    # an account are written by the organisers' and the platform's own tools only.
    given = details.pop("email", "")
    email = (user.email if user is not None else given or "").strip().lower()
    consent = bool(details.pop("listing_consent", False))
    registration = Registration(
        event=event,
        user=user,
        email=email,
        listing_consent=consent,
        listing_consent_at=timezone.now() if consent else None,
        status=RegistrationStatus.PENDING,  # decided under the lock below
        **details,
    )
    errors: dict = {}
    try:
        registration.answers = check_answers(event, answers or {})
    except ValidationError as error:
        errors = error.update_error_dict(errors)
    try:
        # Uniqueness is checked under the lock (and by the database's constraints).
        registration.full_clean(
            exclude=["event", "user", "answers"], validate_unique=False, validate_constraints=False
        )
    except ValidationError as error:
        errors = error.update_error_dict(errors)
    if errors:
        raise ValidationError(errors)
    duplicate = _("%(email)s is already registered for this event.") % {"email": email}
    with transaction.atomic():
        event = _lock(event)
        reason = registration_closed_reason(event)  # it may have closed meanwhile
        if reason:
            raise ValidationError({"__all__": reason})
        active = Registration.objects.filter(event=event, status__in=ACTIVE_STATUSES)
        if active.filter(email__iexact=email).exists():
            raise ValidationError({"email": duplicate})
        if user is not None and active.filter(user=user).exists():
            raise ValidationError({"__all__": _("You are already registered for this event.")})
        registration.event = event
        if event.requires_approval:
            registration.status = RegistrationStatus.PENDING
        elif event.capacity is None or confirmed_count(event) < event.capacity:
            registration.status = RegistrationStatus.CONFIRMED
        else:
            registration.status = RegistrationStatus.WAITLISTED
        chosen = _chosen(event, sessions)
        try:
            registration.save()
        except IntegrityError:  # the transaction rolls back as the error leaves it
            raise ValidationError({"email": duplicate}) from None
        if chosen:
            registration.chosen_sessions.set(chosen)
        _notify(registration, registration.status)
    return registration


@audited(
    "events.waitlist.promoted",
    counts=lambda r, a: {"count": len(r)},
    label=gettext_lazy("promoted people from the waiting list"),
)
def promote_waitlist(event: Event) -> list[Registration]:
    """Move people up from the waiting list, oldest first, while seats are free.

    Call inside a transaction that holds the event's lock. Nobody moves up once the event is
    cancelled, finished or over.
    """
    if event.status in (EventStatus.CANCELLED, EventStatus.FINISHED) or event.end <= timezone.now():
        return []
    if event.capacity is None:
        free = None
    else:
        free = event.capacity - confirmed_count(event)
        if free <= 0:
            return []
    waiting = event.registrations.filter(status=RegistrationStatus.WAITLISTED).order_by(
        "created", "id"
    )
    promoted = list(waiting if free is None else waiting[:free])
    for registration in promoted:
        registration.status = RegistrationStatus.CONFIRMED
        registration.save(update_fields=["status", "updated"])
        _notify(registration, "promoted")
    return promoted


@audited(
    "events.registration.cancelled",
    by="by",
    scope=lambda o: o.event,
    label=gettext_lazy("cancelled a registration"),
)
@transaction.atomic
def cancel_registration(registration: Registration, by=None) -> Registration:
    """Cancel a registration (its owner or an organiser); the waiting list moves up."""
    event = _lock(registration.event)
    registration = Registration.objects.select_for_update().get(pk=registration.pk)
    if (
        by is not None
        and registration.user_id != by.pk
        and not by.has_perm("events.manage_event", event)
    ):
        raise PermissionDenied(_("Only the participant or the organisers may cancel."))
    if registration.status not in ACTIVE_STATUSES:
        return registration  # already cancelled, or declined: stays as it is, no e-mail
    registration.status = RegistrationStatus.CANCELLED
    registration.save(update_fields=["status", "updated"])
    _notify(registration, "cancelled")
    promote_waitlist(event)
    return registration


@audited(
    "events.registration.decided",
    by="by",
    scope=lambda o: o.event,
    label=gettext_lazy("decided on a registration"),
)
@transaction.atomic
def decide_registration(registration: Registration, approve: bool, by) -> Registration:
    """The organisers approve (seat or waiting list) or decline a pending registration."""
    event = _lock(registration.event)
    if not by.has_perm("events.manage_event", event):
        raise PermissionDenied(_("Only the organisers may approve registrations."))
    registration = Registration.objects.select_for_update().get(pk=registration.pk)
    if registration.status != RegistrationStatus.PENDING:
        raise ValidationError(_("This registration is not waiting for approval."))
    if not approve:
        registration.status = RegistrationStatus.REJECTED
    elif event.capacity is None or confirmed_count(event) < event.capacity:
        registration.status = RegistrationStatus.CONFIRMED
    else:
        registration.status = RegistrationStatus.WAITLISTED
    registration.save(update_fields=["status", "updated"])
    _notify(registration, registration.status)
    return registration


@audited("events.event.capacity", by="by", label=gettext_lazy("changed the capacity"))
@transaction.atomic
def set_capacity(event: Event, capacity: int | None, by=None) -> Event:
    event = _lock(event)
    if by is not None and not by.has_perm("events.manage_event", event):
        raise PermissionDenied(_("Only the organisers may change the capacity."))
    if capacity is not None and capacity < 0:
        raise ValidationError({"capacity": _("The capacity cannot be negative.")})
    confirmed = confirmed_count(event)
    if capacity is not None and capacity < confirmed:
        raise ValidationError(
            {
                "capacity": _(
                    "%(n)d participants are already confirmed: the capacity cannot be lower."
                )
                % {"n": confirmed}
            }
        )
    event.capacity = capacity
    event.save(update_fields=["capacity", "updated"])
    promote_waitlist(event)
    return event


@audited("events.reminders.claimed", counts=lambda r, a: {"count": len(r)})
def claim_reminders(within: timedelta, now=None) -> list[int]:
    """Mark the confirmed participants of events starting within ``within`` as reminded, and
    send each a reminder once the transaction commits.

    Each registration is claimed by one conditional UPDATE (``reminded_at IS NULL``), so running
    this twice, or twice at once, never reminds anybody twice. Returns the claimed ids.
    """
    now = now or timezone.now()
    due = Registration.objects.filter(
        status=RegistrationStatus.CONFIRMED,
        reminded_at__isnull=True,
        event__status__in=[
            EventStatus.PUBLISHED,
            EventStatus.REGISTRATION_OPEN,
            EventStatus.REGISTRATION_CLOSED,
        ],
        event__start__gt=now,
        event__start__lte=now + within,
    ).order_by("event__start", "id")
    claimed = []
    for registration in due.only("pk"):
        with transaction.atomic():
            if Registration.objects.filter(pk=registration.pk, reminded_at__isnull=True).update(
                reminded_at=now
            ):
                claimed.append(registration.pk)
                _notify(registration, "reminder")
    return claimed


@audited(
    "events.registration.consent",
    scope=lambda o: o.event,
    label=gettext_lazy("changed the listing consent of a participant"),
)
def set_listing_consent(registration: Registration, consent: bool) -> Registration:
    registration.listing_consent = consent
    registration.listing_consent_at = timezone.now() if consent else None
    registration.save(update_fields=["listing_consent", "listing_consent_at", "updated"])
    return registration


@audited(
    "events.registration.checked_in",
    returns=True,
    by="by",
    scope=lambda o: o.event,
    label=gettext_lazy("checked a participant in"),
)
@transaction.atomic
def check_in(
    event: Event, *, code: str | None = None, registration: Registration | None = None, by=None
):
    """Mark a participant present, by ticket code (QR) or by registration (name search)."""
    if by is not None and not by.has_perm("events.manage_event", event):
        raise PermissionDenied(_("Only the organisers may check participants in."))
    qs = Registration.objects.select_for_update().filter(event=event)
    if code:
        registration = qs.filter(ticket_code=code.strip()).first()
    elif registration is not None:
        registration = qs.filter(pk=registration.pk).first()
    if registration is None:
        raise ValidationError(_("No registration for this event matches that ticket."))
    if registration.status != RegistrationStatus.CONFIRMED:
        raise ValidationError(
            _("%(name)s is not confirmed (%(status)s).")
            % {"name": registration.name, "status": registration.get_status_display()}
        )
    if registration.checked_in_at is None:
        registration.checked_in_at = timezone.now()
        registration.save(update_fields=["checked_in_at", "updated"])
    return registration


def site_url() -> str:
    return getattr(settings, "SITE_URL", "")


# Organisers' screens: team, agenda, materials and questions (views_manage) -------------------


def _require_organiser(event: Event, by) -> None:
    if by is not None and not by.has_perm("events.manage_event", event):
        raise PermissionDenied(_("Only the event's organisers may do this."))


@audited(
    "events.organiser.removed",
    by="removed_by",
    scope=lambda o: o.event,
    label=gettext_lazy("removed an organiser"),
)
@transaction.atomic
def remove_organiser(seat: EventOrganiser, removed_by) -> None:
    """Take a seat off the organising team; the team never becomes empty."""
    _require_organiser(seat.event, removed_by)
    if not EventOrganiser.objects.filter(event_id=seat.event_id).exclude(pk=seat.pk).exists():
        raise ValidationError(_("An event keeps at least one organiser."))
    seat.delete()


@audited(
    "events.session.deleted",
    by="by",
    scope=lambda o: o.event,
    label=gettext_lazy("deleted a session"),
)
@transaction.atomic
def delete_session(session: Session, by=None) -> None:
    """Delete a session; its materials stay with the event, unpublished decisions kept."""
    _require_organiser(session.event, by)
    Material.objects.filter(session=session).update(session=None, speaker=None)
    session.delete()


@audited(
    "events.speaker.removed",
    by="by",
    scope=lambda o: o.session.event,
    label=gettext_lazy("removed a speaker"),
)
@transaction.atomic
def remove_speaker(speaker: SessionSpeaker, by=None) -> None:
    """Take a speaker off a session; their materials stay with the session."""
    _require_organiser(speaker.session.event, by)
    Material.objects.filter(speaker=speaker).update(speaker=None)
    speaker.delete()


@audited(
    "events.material.published",
    by="by",
    scope=lambda o: o.event,
    label=gettext_lazy("changed whether a material is published"),
)
def set_material_published(material: Material, published: bool, by=None) -> Material:
    _require_organiser(material.event, by)
    material.published = published
    material.save(update_fields=["published", "updated"])
    return material


@audited(
    "events.material.deleted",
    by="by",
    scope=lambda o: o.event,
    label=gettext_lazy("deleted a material"),
)
@transaction.atomic
def delete_material(material: Material, by=None) -> None:
    """Delete a material and, once the transaction commits, its file."""
    _require_organiser(material.event, by)
    if material.file:
        storage, name = material.file.storage, material.file.name
        transaction.on_commit(lambda: storage.delete(name))
    material.delete()


@audited(
    "events.question.saved",
    by="by",
    scope=lambda o: o.event,
    label=gettext_lazy("saved a registration question"),
)
@transaction.atomic
def save_question(question: RegistrationQuestion, by=None) -> RegistrationQuestion:
    """Validate and save a registration question; a new one goes last."""
    _require_organiser(question.event, by)
    question.choices = "\n".join(question.choice_list)
    if question.kind == QuestionKind.CHOICE and len(question.choice_list) < 2:
        raise ValidationError({"choices": _("Give at least two choices, one per line.")})
    if question.kind != QuestionKind.CHOICE:
        question.choices = ""
    if question.pk is None:
        last = question.event.questions.order_by("-order").values_list("order", flat=True).first()
        question.order = 0 if last is None else last + 1
    question.full_clean(exclude=["event"])
    question.save()
    return question


@audited(
    "events.question.deleted",
    by="by",
    scope=lambda o: o.event,
    label=gettext_lazy("deleted a registration question"),
)
def delete_question(question: RegistrationQuestion, by=None) -> None:
    """Delete a question; answers already given stay in the registrations."""
    _require_organiser(question.event, by)
    question.delete()


@audited(
    "events.question.moved",
    by="by",
    scope=lambda o: o.event,
    label=gettext_lazy("moved a registration question"),
)
@transaction.atomic
def move_question(question: RegistrationQuestion, offset: int, by=None) -> None:
    """Move a question up (offset -1) or down (+1) the form; the order is renumbered 0…n."""
    _require_organiser(question.event, by)
    ordered = list(question.event.questions.order_by("order", "id"))
    index = next(i for i, q in enumerate(ordered) if q.pk == question.pk)
    target = min(max(index + offset, 0), len(ordered) - 1)
    ordered.insert(target, ordered.pop(index))
    for order, item in enumerate(ordered):
        if item.order != order:
            item.order = order
            item.save(update_fields=["order"])


# Attendance of past events (recorded afterwards: a sign-in sheet, an earlier system, the demo) --


@audited(
    "events.attendance.recorded",
    counts=lambda r, a: {"count": len(r)},
    label=gettext_lazy("recorded the attendance"),
)
@transaction.atomic
def record_attendance(event: Event, participants: Iterable[dict]) -> list[Registration]:
    """Record the participants of an event that is over: confirmed and checked in, no e-mails.

    Each participant is a dict of Registration fields, as the ``details`` of
    :func:`register_participant` (``first_name``, ``last_name``, ``email``,
    ``organisation_name``, ``organisation_kind``, ``country``, …, ``listing_consent``), plus an
    optional ``checked_in_at`` (default: the event's start). Registration rules (opening,
    closing, questions) do not apply, since registration is over; the capacity does. All or
    nothing: a bad row, an e-mail given twice or already registered refuses the whole list.
    """
    from .models import ACTIVE_STATUSES

    event = _lock(event)
    if event.status == EventStatus.CANCELLED:
        raise ValidationError({"__all__": _("This event is cancelled.")})
    now = timezone.now()
    if event.end > now:
        raise ValidationError(
            {
                "__all__": _(
                    "Attendance is recorded once the event is over; until then, participants "
                    "register and are checked in at the door."
                )
            }
        )
    taken = {
        email.lower()
        for email in event.registrations.filter(status__in=ACTIVE_STATUSES).values_list(
            "email", flat=True
        )
    }
    rows: list[Registration] = []
    errors: list[str] = []
    for number, given in enumerate(participants, start=1):
        details = dict(given)
        email = (details.pop("email", "") or "").strip().lower()
        checked_in_at = details.pop("checked_in_at", None) or event.start
        consent = bool(details.pop("listing_consent", False))
        registration = Registration(
            event=event,
            email=email,
            listing_consent=consent,
            listing_consent_at=now if consent else None,
            status=RegistrationStatus.CONFIRMED,
            checked_in_at=checked_in_at,
            **details,
        )
        problems: list[str] = []
        try:
            # Uniqueness is checked below for the whole list and by the database on insert.
            registration.full_clean(
                exclude=["event"], validate_unique=False, validate_constraints=False
            )
        except ValidationError as exc:
            problems += [
                f"{field}: {message}" if field != "__all__" else message
                for field, messages in exc.message_dict.items()
                for message in messages
            ]
        if email and email in taken:
            problems.append(_("%(email)s is already registered for this event.") % {"email": email})
        if checked_in_at > event.end:
            problems.append(_("The check-in time is after the end of the event."))
        taken.add(email)
        if problems:
            errors.append(
                _("Participant %(n)d: %(problems)s")
                % {"n": number, "problems": "; ".join(problems)}
            )
        rows.append(registration)
    if event.capacity is not None and confirmed_count(event) + len(rows) > event.capacity:
        errors.append(
            _("%(n)d participants exceed the capacity of %(capacity)d.")
            % {"n": confirmed_count(event) + len(rows), "capacity": event.capacity}
        )
    if errors:
        raise ValidationError({"participants": errors})
    try:
        with transaction.atomic():
            return Registration.objects.bulk_create(rows)
    except IntegrityError:
        raise ValidationError(
            {"participants": _("Someone in the list is already registered for this event.")}
        ) from None


# The public agenda's cache ------------------------------------------------------------------


def agenda_stamp(event_pk: int) -> str:
    return f"event-agenda-{event_pk}"


def touch_agenda(*event_pks: int) -> None:
    """The agenda of these events changed: their cached public agenda is stale."""
    from clusterhub.core import stamps

    for pk in set(event_pks):
        stamps.touch(agenda_stamp(pk))


# Personal data --------------------------------------------------------------------------------


def forget_user(user) -> list[Registration]:
    """A deleted account's registrations stay in the events' figures (status, kind of
    organisation, country, check-in) without anything that names the person; their organiser
    seats go with the account. Returns the registrations anonymised."""
    registrations = list(Registration.objects.filter(user=user))
    for registration in registrations:
        registration.user = None
        registration.first_name = "Deleted"
        registration.last_name = "user"
        registration.email = f"deleted-{registration.pk}@invalid.clusterhub"
        registration.job_title = ""
        registration.dietary_needs = ""
        registration.accessibility_needs = ""
        registration.answers = {}
        registration.listing_consent = False
        registration.listing_consent_at = None
        registration.save()
    return registrations
