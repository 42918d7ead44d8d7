"""News pages: the list with search and facets, an article with its related items, writing
and the editors' review queue."""

from __future__ import annotations

from datetime import datetime
from zoneinfo import ZoneInfo

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_http_methods

from clusterhub.core.mail import site_link

from . import selectors, services
from .forms import ArticleForm
from .models import Article


def article_list(request):
    articles = selectors.filtered(request.GET)
    page = Paginator(articles, 20).get_page(request.GET.get("page"))
    return render(request, "news/list.html", {
        "page": page, "facets": selectors.facets(articles), "q": request.GET.get("q", ""),
        "tag": request.GET.get("tag", ""), "ecosystem": request.GET.get("ecosystem", ""),
    })  # fmt: skip


def article(request, slug: str):
    item = get_object_or_404(Article.objects.select_related("organisation", "author"), slug=slug)
    if not item.is_public and not services.may_write(request.user, item.organisation):
        raise Http404
    return render(request, "news/article.html", {
        "article": item, "tags": item.tags.all(), "events": item.events.all(),
        "calls": item.calls.all(), "opportunities": item.opportunities.all(),
        "consultations": item.consultations.all(), "ecosystems": item.ecosystems.all(),
        "share": site_link(item.get_absolute_url()),
        "editable": services.may_write(request.user, item.organisation),
    })  # fmt: skip


@login_required
@require_http_methods(["GET", "POST"])
def write(request, slug: str | None = None):
    from clusterhub.partnering.selectors import team_organisations
    from clusterhub.registry.models import Organisation

    item = get_object_or_404(Article, slug=slug) if slug else Article()
    organisations = (Organisation.objects.all() if request.user.is_staff
                     else team_organisations(request.user))  # fmt: skip
    if not request.user.is_staff and not organisations.exists():
        raise PermissionDenied(_("Write for an organisation whose profile team you are on."))
    form = ArticleForm(request.POST or None, request.FILES or None, instance=item,
                       organisations=organisations)  # fmt: skip
    if request.method == "POST" and form.is_valid():
        try:
            saved = services.save_article(
                form.save(commit=False), request.user, tags=form.tags(),
                picture=form.cleaned_data.get("picture"),
                related={name: form.cleaned_data[name] for name in (
                    "ecosystems", "events", "calls", "consultations", "opportunities")},
            )  # fmt: skip
            if "submit" in request.POST:
                services.submit(saved, request.user)
                messages.success(request, _("Sent to the editors for review."))
            else:
                messages.success(request, _("Your draft is saved."))
            return redirect("news:article", slug=saved.slug)
        except ValidationError as error:
            for field, texts in (error.message_dict if hasattr(error, "error_dict")
                                 else {None: error.messages}).items():  # fmt: skip
                for text in texts:
                    form.add_error(field if field in form.fields else None, text)
    return render(request, "news/write.html", {"form": form, "article": item if slug else None})


@login_required
@require_http_methods(["GET", "POST"])
def review(request):
    if not request.user.is_staff:
        raise PermissionDenied(_("Only the platform's editors publish articles."))
    if request.method == "POST":
        item = get_object_or_404(Article, pk=request.POST.get("article") or 0)
        try:
            if request.POST.get("action") == "publish":
                at = None
                if request.POST.get("at"):
                    at = datetime.fromisoformat(request.POST["at"]).replace(
                        tzinfo=ZoneInfo("Europe/Brussels")
                    )
                services.publish(item, request.user, at)
                messages.success(request, _("Published."))
            else:
                services.send_back(item, request.user, request.POST.get("note", ""))
                messages.success(request, _("Sent back to its authors."))
        except (ValidationError, ValueError) as error:
            messages.error(request, " ".join(getattr(error, "messages", [str(error)])))
        return redirect("news:review")
    return render(request, "news/review.html", {"articles": selectors.review_queue()})


# Subscriptions -----------------------------------------------------------------------------------


def _link(request, name: str, token: str) -> str:
    from django.urls import reverse

    return site_link(reverse(name, args=[token]))


@require_http_methods(["GET", "POST"])
def subscribe(request):
    from .models import KINDS
    from .subscriptions import consent_text
    from .subscriptions import subscribe as record

    errors: dict = {}
    if request.method == "POST":
        try:
            record(
                request.POST.get("email", ""), language=request.POST.get("language", "en"),
                frequency=request.POST.get("frequency", "weekly"),
                kinds=request.POST.getlist("kinds"),
                user=request.user if request.user.is_authenticated else None,
                link_for=lambda token: _link(request, "news:confirm", token),
            )  # fmt: skip
        except ValidationError as error:
            errors = error.message_dict
        else:
            return render(request, "news/subscribe_sent.html")
    return render(request, "news/subscribe.html", {
        "errors": errors, "kinds": KINDS, "consent": consent_text(),
        "email": request.POST.get("email", "") or (
            request.user.email if request.user.is_authenticated else ""),
    })  # fmt: skip


def confirm(request, token: str):
    from .subscriptions import PREFERENCES
    from .subscriptions import confirm as confirm_token
    from .subscriptions import token as make

    try:
        subscriber = confirm_token(token)
    except ValidationError as error:
        return render(request, "news/link_problem.html", {"message": " ".join(error.messages)},
                      status=400)  # fmt: skip
    messages.success(request, _("Your subscription is confirmed."))
    return redirect("news:preferences", token=make(subscriber, PREFERENCES))


@require_http_methods(["GET", "POST"])
def preferences(request, token: str):
    from clusterhub.reference.models import Ecosystem

    from .models import KINDS
    from .subscriptions import PREFERENCES, from_token, save_preferences

    try:
        subscriber = from_token(token, PREFERENCES)
    except ValidationError as error:
        return render(request, "news/link_problem.html", {"message": " ".join(error.messages)},
                      status=400)  # fmt: skip
    errors: dict = {}
    if request.method == "POST":
        try:
            save_preferences(
                subscriber, kinds=request.POST.getlist("kinds"),
                language=request.POST.get("language", ""),
                frequency=request.POST.get("frequency", ""),
                ecosystems=Ecosystem.objects.filter(pk__in=request.POST.getlist("ecosystems")),
                regions=request.POST.get("regions", "").replace(",", " ").split(),
            )  # fmt: skip
        except ValidationError as error:
            errors = error.message_dict
        else:
            messages.success(request, _("Your preferences are saved."))
            return redirect("news:preferences", token=token)
    return render(request, "news/preferences.html", {
        "subscriber": subscriber, "kinds": KINDS, "errors": errors, "token": token,
        "ecosystems": Ecosystem.objects.all(),
        "chosen": set(subscriber.ecosystems.values_list("pk", flat=True)),
    })  # fmt: skip


@csrf_exempt
@require_http_methods(["GET", "POST"])
def unsubscribe(request, token: str):
    """RFC 8058: a POST (the mail client's one click, or the button here) unsubscribes at once;
    a GET shows the button, so that link checkers never unsubscribe anyone."""
    from .subscriptions import PREFERENCES, from_token
    from .subscriptions import unsubscribe as stop

    try:
        subscriber = from_token(token, PREFERENCES)
    except ValidationError as error:
        return render(request, "news/link_problem.html", {"message": " ".join(error.messages)},
                      status=400)  # fmt: skip
    if request.method == "POST":
        stop(subscriber)
        return render(request, "news/unsubscribed.html", {"subscriber": subscriber})
    return render(request, "news/unsubscribe.html", {"subscriber": subscriber, "token": token})


@csrf_exempt
@require_http_methods(["POST"])
def bounce_webhook(request):
    """The mail server reports bounces: ``{"email": …, "type": "hard"|"soft"}`` with the shared
    secret in ``X-Bounce-Secret`` (``NEWS_BOUNCE_SECRET``)."""
    import hmac
    import json

    from django.conf import settings
    from django.http import JsonResponse

    from .subscriptions import bounce

    secret = getattr(settings, "NEWS_BOUNCE_SECRET", "")
    if not secret or not hmac.compare_digest(request.headers.get("X-Bounce-Secret", ""), secret):
        return JsonResponse({"detail": "forbidden"}, status=403)
    try:
        data = json.loads(request.body)
        email, kind = str(data["email"]), str(data["type"])
    except (ValueError, KeyError, TypeError):
        return JsonResponse({"detail": "give email and type"}, status=400)
    if kind not in ("hard", "soft"):
        return JsonResponse({"detail": "type is hard or soft"}, status=400)
    found = bounce(email, hard=kind == "hard")
    return JsonResponse({"status": found.status if found else "unknown address"})


# The editors' newsletters ---------------------------------------------------------------------


@login_required
@require_http_methods(["GET", "POST"])
def newsletters(request):
    from .models import Issue, IssueKind
    from .sending import queue_newsletter, report
    from .tasks import send_issue

    if not request.user.is_staff:
        raise PermissionDenied(_("Only the platform's editors send newsletters."))
    if request.method == "POST":
        action = request.POST.get("action")
        if action == "create":
            subject = request.POST.get("subject", "").strip()
            body = request.POST.get("body", "").strip()
            if not subject or not body:
                messages.error(request, _("A newsletter needs a subject and a text."))
            else:
                Issue.objects.create(kind=IssueKind.NEWSLETTER, subject=subject[:200], body=body,
                                     created_by=request.user)  # fmt: skip
                messages.success(request, _("The newsletter is saved: preview it, then send."))
        else:
            issue = get_object_or_404(Issue, pk=request.POST.get("issue") or 0)
            if action == "test":
                _test_send(request, issue)
            elif action == "send":
                count = queue_newsletter(issue)
                send_issue.enqueue(issue.pk)
                messages.success(request, _("%(n)s messages queued.") % {"n": count})
        return redirect("news:newsletters")
    issues = list(Issue.objects.all()[:20])
    for issue in issues:
        issue.report = report(issue)
    return render(request, "news/newsletters.html", {"issues": issues})


def _test_send(request, issue) -> None:
    from .models import Delivery, Subscriber
    from .sending import message

    subscriber = Subscriber(email=request.user.email, language=request.LANGUAGE_CODE[:2],
                            status="active", pk=0)  # fmt: skip
    delivery = Delivery(issue=issue, subscriber=subscriber,
                        items=_preview_items(subscriber))  # fmt: skip
    message(delivery, site_link("/")).send()
    messages.success(request, _("A test message went to %(email)s.") % {"email": subscriber.email})


def _preview_items(subscriber) -> list[dict]:
    from django.utils import timezone

    from . import digest, selectors
    from .sending import _as_data

    prefs = digest.Preferences(kinds=frozenset(subscriber.kinds or ()))
    return [_as_data(i) for i in digest.build(selectors.digest_items(), prefs, timezone.now())]


@login_required
def preview(request, pk: int):
    """An issue as a subscriber sees it (the digest with everything new for everyone)."""
    from django.http import HttpResponse

    from .models import Delivery, Issue, Subscriber
    from .sending import message

    if not request.user.is_staff:
        raise PermissionDenied(_("Only the platform's editors send newsletters."))
    issue = get_object_or_404(Issue, pk=pk)
    subscriber = Subscriber(email=request.user.email or "editor@example.org", pk=0,
                            language=request.LANGUAGE_CODE[:2])  # fmt: skip
    delivery = Delivery(issue=issue, subscriber=subscriber, items=_preview_items(subscriber))
    email = message(delivery, site_link("/"))
    return HttpResponse(email.alternatives[0][0])


@login_required
def digest_preview(request):
    """ "View this digest": what a subscriber who wants everything would get now."""
    from .models import Issue, IssueKind

    if not request.user.is_staff:
        raise PermissionDenied(_("Only the platform's editors send newsletters."))
    issue = Issue(kind=IssueKind.DIGEST, subject="digest", pk=0)
    from django.http import HttpResponse

    from .models import Delivery, Subscriber
    from .sending import message

    subscriber = Subscriber(email=request.user.email or "editor@example.org", pk=0,
                            language=request.LANGUAGE_CODE[:2])  # fmt: skip
    delivery = Delivery(issue=issue, subscriber=subscriber, items=_preview_items(subscriber))
    return HttpResponse(message(delivery, site_link("/")).alternatives[0][0])
