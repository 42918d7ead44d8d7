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
from django.views.decorators.http import require_http_methods

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
        "share": request.build_absolute_uri(item.get_absolute_url()),
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
                related={"ecosystems": form.cleaned_data["ecosystems"]},
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
