"""Every write of the news app: articles written by staff or an organisation's team, sent for
review, published (now or at a date) or sent back by the platform's editors (staff).

The body is Markdown rendered without raw HTML and then sanitised (nh3): no script, style or
event attribute ever reaches a page or an e-mail, whatever is typed. Pictures are checked by
their bytes (JPEG, PNG or WebP, 2 MB at most) and need a description.
"""

from __future__ import annotations

import io

import nh3
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from markdown_it import MarkdownIt

from clusterhub.core import audit
from clusterhub.core.search import normalise
from clusterhub.core.slugs import unique_slug

from .models import Article, ArticleStatus, Tag

PICTURE_LIMIT = 2 * 1024 * 1024
PICTURE_FORMATS = {"JPEG", "PNG", "WEBP"}
ALLOWED_TAGS = {"p", "br", "strong", "em", "a", "ul", "ol", "li", "blockquote", "h2", "h3",
                "h4", "code", "pre", "hr", "table", "thead", "tbody", "tr", "th", "td"}  # fmt: skip
_markdown = MarkdownIt("commonmark", {"html": False, "linkify": False}).enable("table")


def render(body: str) -> str:
    """Markdown to safe HTML: raw HTML is not interpreted, the result is sanitised again."""
    return nh3.clean(
        _markdown.render(body),
        tags=ALLOWED_TAGS,
        attributes={"a": {"href", "title"}},
        url_schemes={"http", "https", "mailto"},
        link_rel="noopener noreferrer nofollow",
    )


def check_picture(upload) -> None:
    from PIL import Image, UnidentifiedImageError

    if upload.size > PICTURE_LIMIT:
        size = round(upload.size / 2**20, 1)
        message = _("The picture is %(size)s MB; the limit is 2 MB.") % {"size": size}
        raise ValidationError({"picture": [message]})
    data = upload.read()
    upload.seek(0)
    try:
        with Image.open(io.BytesIO(data)) as image:
            image.verify()
            kind = image.format
    except (UnidentifiedImageError, OSError, SyntaxError):
        raise ValidationError({"picture": [_("This file is not a picture.")]}) from None
    if kind not in PICTURE_FORMATS:
        raise ValidationError({"picture": [_("Give a JPEG, PNG or WebP picture.")]})


def may_write(user, organisation) -> bool:
    from clusterhub.registry.models import ProfileTeamMember

    if not user or not user.is_authenticated:
        return False
    if user.is_staff:
        return True
    return (
        organisation is not None
        and ProfileTeamMember.objects.filter(user=user, organisation=organisation).exists()
    )


def save_article(article: Article, user, *, tags: list[str] = (), picture=None, related=None):
    """Create or change an article (a draft, or one sent back); staff may change any."""
    if not may_write(user, article.organisation):
        raise PermissionDenied(_("Write for an organisation whose profile team you are on."))
    if article.pk and article.status in (ArticleStatus.REVIEW, ArticleStatus.PUBLISHED) and \
            not user.is_staff:  # fmt: skip
        raise PermissionDenied(_("This article is with the editors; it changes no more."))
    if picture is not None:
        check_picture(picture)
        article.picture = picture
    if article.picture and not article.picture_alt.strip():
        message = _("Describe the picture for those who cannot see it.")
        raise ValidationError({"picture_alt": [message]})
    with transaction.atomic():
        if not article.slug:
            article.slug = unique_slug(article.title, Article.objects.all(), fallback="article")
        if article.author_id is None:
            article.author = user
        article.body_html = render(article.body)
        article.search_document = normalise(article.title, article.summary, article.body,
                                            " ".join(tags))  # fmt: skip
        article.save()
        article.tags.set([tag_named(name) for name in tags if name.strip()])
        for name, items in (related or {}).items():
            getattr(article, name).set(items)
        audit.record("news.save", article, by=user)
    return article


def tag_named(name: str) -> Tag:
    name = " ".join(name.split())[:60]
    tag = Tag.objects.filter(name__iexact=name).first()
    if tag is None:
        tag = Tag.objects.create(
            name=name, slug=unique_slug(name, Tag.objects.all(), fallback="tag")
        )
    return tag


def submit(article: Article, user) -> Article:
    if not may_write(user, article.organisation):
        raise PermissionDenied(_("Write for an organisation whose profile team you are on."))
    if article.status not in (ArticleStatus.DRAFT, ArticleStatus.REJECTED):
        raise ValidationError(_("This article is already with the editors."))
    article.status = ArticleStatus.REVIEW
    article.save(update_fields=["status", "updated"])
    audit.record("news.submit", article, by=user)
    return article


def publish(article: Article, editor, at=None) -> Article:
    """Staff publish an article now, or schedule it (``at`` in the future)."""
    if not editor.is_staff:
        raise PermissionDenied(_("Only the platform's editors publish articles."))
    article.status = ArticleStatus.PUBLISHED
    article.publish_at = at or timezone.now()
    article.review_note = ""
    article.save(update_fields=["status", "publish_at", "review_note", "updated"])
    audit.record("news.publish", article, by=editor)
    return article


def send_back(article: Article, editor, note: str) -> Article:
    if not editor.is_staff:
        raise PermissionDenied(_("Only the platform's editors publish articles."))
    if not note.strip():
        raise ValidationError({"review_note": [_("Say what to change.")]})
    article.status = ArticleStatus.REJECTED
    article.review_note = note.strip()
    article.save(update_fields=["status", "review_note", "updated"])
    audit.record("news.send_back", article, by=editor)
    return article


def _describe_actions() -> None:
    from django.utils.translation import gettext_lazy

    audit.describe("news.save", gettext_lazy("saved the article"))
    audit.describe("news.submit", gettext_lazy("sent the article for review"))
    audit.describe("news.publish", gettext_lazy("published the article"))
    audit.describe("news.send_back", gettext_lazy("sent the article back"))


_describe_actions()
