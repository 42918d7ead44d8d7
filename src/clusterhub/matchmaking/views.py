"""The participants' B2B pages of an event (``/events/<slug>/b2b/…``).

Only the event's confirmed registrants use them; anyone else gets a page saying why (HTTP 403)
and what to do. Opting in is one click with everything pre-filled (type guessed from the kind
of organisation, pitch from the registration or registry profile, every session ticked, on
site). Participants see the agenda only as published by the organisers.

The agenda outputs (:func:`agenda_html` with one page per participant, :func:`agenda_ics`)
take no request so that the organisers' screens can reuse them.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import wraps
from itertools import groupby
from urllib.parse import urlencode

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.db.models import Q
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from clusterhub.core import ical
from clusterhub.core.forms import apply_errors, error_text
from clusterhub.core.mail import site_link
from clusterhub.events import outputs as event_outputs
from clusterhub.events.models import Event, EventStatus, Registration, RegistrationStatus

from . import selectors, services
from .forms import (
    MarketplaceFilterForm,
    MarketplaceItemForm,
    OptInForm,
    PeopleFilterForm,
    ProposeSlotForm,
    RatingForm,
    RequestForm,
)
from .models import (
    MarketplaceItem,
    Matchmaking,
    Meeting,
    MeetingRequest,
    Outcome,
    Participant,
    RequestStatus,
    ScheduleState,
)

PAGE_SIZE = 20
INBOX_PAGE_SIZE = 20
RECOMMENDED_SHOWN = 6


# Who may use the pages ----------------------------------------------------------------------


@dataclass
class B2B:
    """What every participant page knows: the event, its matchmaking and the visitor."""

    event: Event
    matchmaking: Matchmaking
    registration: Registration
    participant: Participant | None

    @property
    def opted_in(self) -> bool:
        return self.participant is not None and self.participant.opted_in

    def context(self, **extra) -> dict:
        return {
            "event": self.event,
            "matchmaking": self.matchmaking,
            "registration": self.registration,
            "participant": self.participant,
            "opted_in": self.opted_in,
            **extra,
        }


class NotAllowed(Exception):
    def __init__(
        self,
        event: Event,
        reason: str,
        registration: Registration | None = None,
        can_manage: bool = False,
    ):
        super().__init__(reason)
        self.event, self.reason, self.registration = event, reason, registration
        self.can_manage = can_manage


def _b2b(request, slug: str) -> B2B:
    event = get_object_or_404(Event.objects.select_related("country"), slug=slug)
    can_manage = request.user.has_perm("events.manage_event", event)
    if event.status == EventStatus.DRAFT and not can_manage:
        raise Http404
    matchmaking = Matchmaking.objects.filter(event=event).first()
    if matchmaking is None:
        raise Http404
    matchmaking.event = event
    registration = selectors.confirmed_registration(request.user, event)
    if registration is None:
        other = (
            Registration.objects.filter(event=event, user=request.user)
            .exclude(status__in=[RegistrationStatus.CANCELLED, RegistrationStatus.REJECTED])
            .order_by("-created")
            .first()
        )
        if other is not None:
            reason = _(
                "Your registration is not confirmed yet (%(status)s). The B2B meetings are "
                "open to confirmed participants only."
            ) % {"status": other.get_status_display()}
        else:
            reason = _(
                "The B2B meetings are open to the event's confirmed participants only. "
                "Register for the event first."
            )
        raise NotAllowed(event, reason, other, can_manage)
    participant = selectors.participant_of(registration)
    if participant is not None:
        participant.matchmaking = matchmaking
        participant.registration = registration
    return B2B(event, matchmaking, registration, participant)


def participant_page(view):
    """Log-in required; the view receives the :class:`B2B` of the event as ``b2b``."""

    @login_required
    @wraps(view)
    def wrapper(request, slug, *args, **kwargs):
        try:
            b2b = _b2b(request, slug)
        except NotAllowed as refusal:
            return render(
                request,
                "matchmaking/not_allowed.html",
                {
                    "event": refusal.event,
                    "reason": refusal.reason,
                    "own_registration": refusal.registration,
                    "registration_open": refusal.registration is None,
                    "can_manage": refusal.can_manage,
                },
                status=403,
            )
        return view(request, b2b, *args, **kwargs)

    return wrapper


def _require_opted_in(request, b2b: B2B):
    if not b2b.opted_in:
        messages.error(request, _("Take part in the B2B meetings first: it takes one click."))
        return redirect("matchmaking:home", b2b.event.slug)
    return None


def _errors(error: ValidationError) -> list[str]:
    return list(error.messages)


# Home and opt-in ----------------------------------------------------------------------------


def _recommended(participant: Participant | None, limit: int = RECOMMENDED_SHOWN) -> list[dict]:
    if participant is None or not participant.opted_in:
        return []
    rows = []
    for other, score, reasons in selectors.recommended_people(participant):
        if other.pk == participant.pk or not other.opted_in:
            continue
        rows.append({"person": other, "score": score, "reasons": reasons})
        if len(rows) >= limit:
            break
    return rows


@participant_page
@require_GET
def home(request, b2b: B2B):
    participant = b2b.participant
    matchmaking = b2b.matchmaking
    context = b2b.context(
        deadline_passed=services.request_deadline_passed(matchmaking),
        published=selectors.agenda_published(matchmaking),
        final=matchmaking.schedule_state == ScheduleState.FINAL,
        people_count=selectors.visible_participants(matchmaking).count(),
        sessions=list(matchmaking.sessions.all()),
    )
    if b2b.opted_in:
        context.update(
            received_pending=participant.received_requests.filter(
                status=RequestStatus.PENDING
            ).count(),
            sent_count=selectors.requests_sent_count(participant),
            accepted_count=MeetingRequest.objects.filter(
                Q(sender=participant) | Q(recipient=participant), status=RequestStatus.ACCEPTED
            ).count(),
            item_count=participant.items.count(),
            recommended=_recommended(participant),
            availability=list(participant.availability.all()),
        )
    else:
        context["form"] = OptInForm(
            matchmaking=matchmaking, registration=b2b.registration, participant=participant
        )
    return render(request, "matchmaking/home.html", context)


@participant_page
def profile(request, b2b: B2B):
    """Opt in (the home page's one-click form posts here too) or change one's B2B profile."""
    participant = b2b.participant
    form = OptInForm(
        request.POST or None,
        matchmaking=b2b.matchmaking,
        registration=b2b.registration,
        participant=participant,
    )
    if request.method == "POST" and form.is_valid():
        joining = not b2b.opted_in
        try:
            services.opt_in(
                b2b.registration,
                fixed_table=participant.fixed_table if participant else "",
                **form.opt_in_arguments(),
            )
        except ValidationError as error:
            apply_errors(form, error)
        else:
            if joining:
                messages.success(
                    request,
                    _(
                        "You take part in the B2B meetings. Find people to meet below, "
                        "or add what you offer to the marketplace."
                    ),
                )
                return redirect("matchmaking:home", b2b.event.slug)
            messages.success(request, _("Your B2B profile is saved."))
            return redirect("matchmaking:profile", b2b.event.slug)
    template = "matchmaking/home.html" if request.POST.get("from") == "home" else None
    context = b2b.context(form=form)
    if template:  # the one-click form failed (e.g. no type chosen): show it again in place
        context.update(
            sessions=list(b2b.matchmaking.sessions.all()),
            people_count=selectors.visible_participants(b2b.matchmaking).count(),
        )
        return render(request, template, context)
    return render(request, "matchmaking/profile.html", context)


@participant_page
@require_POST
def opt_out(request, b2b: B2B):
    if b2b.opted_in:
        services.opt_out(b2b.participant)
        messages.success(
            request,
            _(
                "You no longer take part in the B2B meetings: others no longer find you. "
                "Meetings already accepted stay until you cancel them."
            ),
        )
    return redirect("matchmaking:home", b2b.event.slug)


# People -------------------------------------------------------------------------------------


def _relation(participant: Participant | None, others: list[Participant]) -> dict[int, str]:
    """For each listed person: "pending", "accepted" or "" (no open request) with the visitor."""
    if participant is None:
        return {}
    open_requests = selectors.open_requests_with(participant)
    return {p.pk: open_requests[p.pk].status if p.pk in open_requests else "" for p in others}


@participant_page
@require_GET
def people(request, b2b: B2B):
    matchmaking = b2b.matchmaking
    form = PeopleFilterForm(
        request.GET, matchmaking=matchmaking, countries=selectors.participant_countries(matchmaking)
    )
    filters = form.filters()
    found = selectors.search_participants(matchmaking, exclude=b2b.participant, **filters)
    page = Paginator(found, PAGE_SIZE).get_page(request.GET.get("page"))
    params = request.GET.copy()
    params.pop("page", None)
    context = b2b.context(
        form=form,
        page=page,
        relation=_relation(b2b.participant, list(page.object_list)),
        querystring=params.urlencode(),
        filtered=any(filters.values()),
        recommended=[] if any(filters.values()) else _recommended(b2b.participant),
    )
    if request.htmx and not request.htmx.boosted:
        return render(request, "matchmaking/_people_results.html", context)
    return render(request, "matchmaking/people.html", context)


@participant_page
def person(request, b2b: B2B, pk: int):
    """A participant's B2B profile and the form to ask them for a meeting."""
    other = get_object_or_404(selectors.visible_participants(b2b.matchmaking), pk=pk)
    me = b2b.participant
    form = RequestForm(
        request.POST or None,
        matchmaking=b2b.matchmaking,
        colleagues=services.colleagues_who_join(me).exclude(pk=other.pk) if me else None,
    )
    if request.method == "POST":
        if me is None:
            form.add_error(None, _("Opt in to the B2B meetings first."))
        elif form.is_valid():
            try:
                services.send_request(me, other, **form.request_arguments())
            except ValidationError as error:
                apply_errors(form, error)
            else:
                messages.success(
                    request,
                    _("Your request is on its way to %(name)s. We will tell you their answer.")
                    % {"name": other},
                )
                return redirect("matchmaking:requests", b2b.event.slug)
    refusal = (
        services.request_refusal(me, other)
        if me is not None
        else _("Opt in to the B2B meetings first.")
    )
    open_request = selectors.open_requests_with(me).get(other.pk) if me else None
    return render(
        request,
        "matchmaking/person.html",
        b2b.context(
            other=other,
            items=list(other.items.order_by("-created")),
            form=form,
            refusal=refusal,
            open_request=open_request,
            sent_count=selectors.requests_sent_count(me) if me else 0,
        ),
    )


# Marketplace --------------------------------------------------------------------------------


@participant_page
@require_GET
def marketplace(request, b2b: B2B):
    form = MarketplaceFilterForm(request.GET)
    filters = form.filters()
    items = selectors.marketplace_items(b2b.matchmaking, **filters)
    page = Paginator(items, PAGE_SIZE).get_page(request.GET.get("page"))
    params = request.GET.copy()
    params.pop("page", None)
    own = list(b2b.participant.items.order_by("-created")) if b2b.participant else []
    return render(
        request,
        "matchmaking/marketplace.html",
        b2b.context(
            form=form,
            page=page,
            own_items=own,
            querystring=params.urlencode(),
            filtered=any(filters.values()),
        ),
    )


@participant_page
def item_edit(request, b2b: B2B, pk: int | None = None):
    refused = _require_opted_in(request, b2b)
    if refused:
        return refused
    item = None
    if pk is not None:
        item = get_object_or_404(MarketplaceItem, pk=pk, participant__matchmaking=b2b.matchmaking)
        if item.participant_id != b2b.participant.pk:
            raise PermissionDenied(_("Only its author may change this item."))
    initial = (
        {"kind": item.kind, "title": item.title, "description": item.description} if item else {}
    )
    form = MarketplaceItemForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            services.save_marketplace_item(b2b.participant, item=item, **form.cleaned_data)
        except ValidationError as error:
            apply_errors(form, error)
        else:
            messages.success(request, _("Your item is on the marketplace."))
            return redirect("matchmaking:marketplace", b2b.event.slug)
    return render(request, "matchmaking/item_form.html", b2b.context(form=form, item=item))


@participant_page
@require_POST
def item_delete(request, b2b: B2B, pk: int):
    item = get_object_or_404(MarketplaceItem, pk=pk, participant__matchmaking=b2b.matchmaking)
    if b2b.participant is None:
        raise PermissionDenied(_("Only its author may delete this item."))
    services.delete_marketplace_item(item, b2b.participant)
    messages.success(request, _("The item is removed from the marketplace."))
    return redirect("matchmaking:marketplace", b2b.event.slug)


# Requests -----------------------------------------------------------------------------------


@participant_page
@require_GET
def requests_inbox(request, b2b: B2B):
    """The requests received and those sent, newest first, each list a page at a time."""
    me = b2b.participant
    if me is None:
        return _require_opted_in(request, b2b)
    received = Paginator(selectors.received_requests(me), INBOX_PAGE_SIZE).get_page(
        request.GET.get("page")
    )
    sent = Paginator(selectors.sent_requests(me), INBOX_PAGE_SIZE).get_page(
        request.GET.get("sent_page")
    )
    tz = b2b.event.tz
    to_answer = [
        r
        for r in received.object_list
        if r.status == RequestStatus.PENDING and r.proposed_slot_id is None
    ]
    free = selectors.free_common_slots_with(me, [r.sender for r in to_answer])
    for r in to_answer:
        slots = free[r.sender_id]
        r.can_propose = bool(slots)
        r.propose_form = ProposeSlotForm(slots=slots, tz=tz, prefix=f"r{r.pk}")
    return render(
        request,
        "matchmaking/requests.html",
        b2b.context(
            received=received,
            sent=sent,
            received_query=urlencode({"sent_page": sent.number}),
            sent_query=urlencode({"page": received.number}),
            pending_received=me.received_requests.filter(status=RequestStatus.PENDING).count(),
            sent_count=selectors.requests_sent_count(me),
        ),
    )


@participant_page
@require_POST
def request_answer(request, b2b: B2B, pk: int):
    """Accept, decline or propose another slot (the recipient); accept or decline the slot
    proposed in return (the sender)."""
    me = b2b.participant
    meeting_request = get_object_or_404(
        MeetingRequest.objects.select_related("sender", "recipient"),
        pk=pk,
        matchmaking=b2b.matchmaking,
    )
    if me is None or me.pk not in (meeting_request.sender_id, meeting_request.recipient_id):
        raise PermissionDenied(_("Only the person asked may answer."))
    action = request.POST.get("action")
    inbox = redirect("matchmaking:requests", b2b.event.slug)
    try:
        if action == "propose":
            form = ProposeSlotForm(
                request.POST,
                slots=selectors.free_common_slots(
                    meeting_request.recipient, meeting_request.sender
                ),
                tz=b2b.event.tz,
                prefix=f"r{meeting_request.pk}",
            )
            if not form.is_valid():
                messages.error(request, _("Choose one of the times when you are both free."))
                return inbox
            services.answer_request(
                meeting_request, me, accept=True, proposed_slot=form.cleaned_data["slot"]
            )
            messages.success(
                request,
                _("We proposed another time to %(name)s.") % {"name": meeting_request.sender},
            )
        elif action in ("accept", "decline"):
            accept = action == "accept"
            services.answer_request(meeting_request, me, accept=accept)
            other = (
                meeting_request.sender
                if me.pk == meeting_request.recipient_id
                else meeting_request.recipient
            )
            messages.success(
                request,
                (
                    _(
                        "Meeting with %(name)s accepted. It appears in your agenda once the "
                        "organisers publish the schedule."
                    )
                    if accept
                    else _("You declined the request of %(name)s.")
                )
                % {"name": other},
            )
        else:
            messages.error(request, _("Choose accept, decline or another time."))
    except ValidationError as error:
        for message in _errors(error):
            messages.error(request, message)
    return inbox


@participant_page
@require_POST
def request_withdraw(request, b2b: B2B, pk: int):
    """Withdraw a request one sent, or cancel an accepted meeting (either side)."""
    me = b2b.participant
    meeting_request = get_object_or_404(MeetingRequest, pk=pk, matchmaking=b2b.matchmaking)
    if me is None:
        raise PermissionDenied(_("Only the two people concerned may cancel."))
    was = meeting_request.status
    services.cancel_request(meeting_request, me)
    if was == RequestStatus.ACCEPTED:
        messages.success(request, _("The meeting is cancelled; we told the other side."))
    elif was == RequestStatus.PENDING:
        messages.success(request, _("Your request is withdrawn."))
    return redirect("matchmaking:requests", b2b.event.slug)


# Personal agenda ----------------------------------------------------------------------------


def _seen_key(participant: Participant) -> str:
    return f"b2b-agenda-seen-{participant.pk}"


def _days(entries: list[selectors.AgendaEntry], tz) -> list[dict]:
    return [
        {"day": day, "entries": list(items)}
        for day, items in groupby(entries, key=lambda e: e.slot.start.astimezone(tz).date())
    ]


@participant_page
@require_GET
def agenda(request, b2b: B2B):
    me = b2b.participant
    if me is None:
        return _require_opted_in(request, b2b)
    scheduled, unscheduled = selectors.personal_agenda(me)
    changed = 0
    if scheduled or unscheduled:
        key = _seen_key(me)
        changed = selectors.mark_changes(scheduled, request.session.get(key))
        request.session[key] = selectors.agenda_fingerprint(scheduled)
    return render(
        request,
        "matchmaking/agenda.html",
        b2b.context(
            published=selectors.agenda_published(b2b.matchmaking),
            final=b2b.matchmaking.schedule_state == ScheduleState.FINAL,
            days=_days(scheduled, b2b.event.tz),
            scheduled=scheduled,
            unscheduled=unscheduled,
            changed=changed,
        ),
    )


def _published_or_404(b2b: B2B) -> list[selectors.AgendaEntry]:
    if b2b.participant is None or not selectors.agenda_published(b2b.matchmaking):
        raise Http404(_("The agendas are not published yet."))
    return selectors.personal_agenda(b2b.participant)[0]


@participant_page
@require_GET
def agenda_pdf(request, b2b: B2B):
    entries = _published_or_404(b2b)
    html = agenda_html(b2b.matchmaking, [(b2b.participant, entries)])
    response = HttpResponse(event_outputs.html_to_pdf(html), content_type="application/pdf")
    response["Content-Disposition"] = f'inline; filename="{b2b.event.slug}-b2b-agenda.pdf"'
    return response


@participant_page
@require_GET
def agenda_ics_view(request, b2b: B2B):
    entries = _published_or_404(b2b)
    base_url = site_link("/").rstrip("/")
    response = HttpResponse(
        agenda_ics(b2b.matchmaking, b2b.participant, entries, base_url),
        content_type=ical.CONTENT_TYPE,
    )
    response["Content-Disposition"] = f'attachment; filename="{b2b.event.slug}-b2b-agenda.ics"'
    return response


# After the event ----------------------------------------------------------------------------


@participant_page
@require_GET
def follow_up(request, b2b: B2B):
    """Rate each meeting held; see who (oneself included) was marked absent."""
    me = b2b.participant
    if me is None:
        return _require_opted_in(request, b2b)
    now = timezone.now()
    entries = selectors.held_meetings(me)
    for entry in entries:
        entry.can_rate = services.meeting_held(entry.meeting, now)
        entry.form = RatingForm(initial={"outcome": entry.outcome}, prefix=f"m{entry.meeting.pk}")
    return render(
        request,
        "matchmaking/follow_up.html",
        b2b.context(
            entries=entries,
            outcomes=Outcome.choices,
            own_no_shows=[e for e in entries if e.no_show],
            other_no_shows=[e for e in entries if e.other_no_show],
            to_rate=sum(1 for e in entries if e.can_rate and not e.outcome),
        ),
    )


@participant_page
@require_POST
def rate(request, b2b: B2B, pk: int):
    me = b2b.participant
    meeting = get_object_or_404(
        Meeting.objects.select_related("request", "published_slot"),
        pk=pk,
        matchmaking=b2b.matchmaking,
        request__status=RequestStatus.ACCEPTED,
    )
    if me is None:
        raise PermissionDenied(_("Only the two people who met may rate the meeting."))
    outcome = request.POST.get(f"m{pk}-outcome") or request.POST.get("outcome", "")
    try:
        services.rate_meeting(meeting, me, outcome)
    except ValidationError as error:
        messages.error(request, error_text(error))
        if getattr(error, "code", None) == "early":
            return redirect("matchmaking:follow-up", b2b.event.slug)
    else:
        messages.success(request, _("Thank you: your rating is saved."))
    return redirect(reverse("matchmaking:follow-up", args=[b2b.event.slug]) + f"#meeting-{pk}")


# Outputs (no request: reused by the organisers' screens) ------------------------------------


def agenda_html(
    matchmaking: Matchmaking, pages: list[tuple[Participant, list[selectors.AgendaEntry]]]
) -> str:
    """The printed personal agendas: one A4 page per participant (time, table or video
    link, the other side and their pitch)."""
    event = matchmaking.event
    tz = event.tz
    with timezone.override(tz):
        return render_to_string(
            "matchmaking/print/agenda.html",
            {
                "event": event,
                "matchmaking": matchmaking,
                "final": matchmaking.schedule_state == ScheduleState.FINAL,
                "place": event_outputs.event_place(event),
                "pages": [
                    {
                        "participant": participant,
                        "lines": [selectors.agenda_line(e, tz) for e in entries],
                    }
                    for participant, entries in pages
                ],
            },
        )


def meeting_uid(meeting: Meeting) -> str:
    return ical.uid("b2b-meeting", meeting.pk)


def agenda_ics(
    matchmaking: Matchmaking,
    participant: Participant,
    entries: list[selectors.AgendaEntry],
    base_url: str,
) -> bytes:
    """One VEVENT per scheduled meeting (UTC times; SEQUENCE follows the schedule version so
    that calendars take moved meetings)."""
    event = matchmaking.event
    tz = event.tz
    url = base_url + reverse("matchmaking:agenda", args=[event.slug])
    venue = event_outputs.event_place(event)
    preliminary = matchmaking.schedule_state == ScheduleState.PRELIMINARY
    meetings = []
    for entry in entries:
        if entry.slot is None:
            continue
        details = selectors.agenda_line(entry, tz)
        who = ", ".join(p for p in (details["name"], details["organisation"]) if p)
        if details["remote"]:
            location = details["video_url"] or _("Video call")
            link = details["video_url"]
        else:
            location = ", ".join(p for p in (details["place"], venue) if p)
            link = url
        meetings.append(
            ical.Entry(
                uid=meeting_uid(entry.meeting),
                stamp=entry.meeting.updated,
                start=entry.slot.start,
                end=entry.end,
                sequence=matchmaking.schedule_version,
                summary=_("B2B meeting: %(who)s") % {"who": who},
                location=location,
                url=link,
                description=[
                    ", ".join(p for p in (who, details["country"], details["type"]) if p),
                    details["pitch"],
                    _("Your B2B agenda: %(url)s") % {"url": url},
                ],
                status="TENTATIVE" if preliminary else "CONFIRMED",
            )
        )
    return ical.calendar(_("B2B meetings – %(event)s") % {"event": event.title}, meetings)
