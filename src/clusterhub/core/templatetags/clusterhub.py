import re
from urllib.parse import urlsplit

from django import template
from django.utils.html import format_html
from django.utils.translation import gettext

register = template.Library()


@register.simple_tag
def external_link(url: str, text: str = "") -> str:
    """A link to a site that someone typed in: it opens the site itself (the platform never
    redirects to an address a user gave), says which site it is, and passes no referrer nor
    the platform's reputation (``nofollow ugc``). Only http(s) addresses become links."""
    if not url:
        return ""
    parts = urlsplit(url)
    if parts.scheme not in ("http", "https") or not parts.hostname:
        return format_html("{}", text or url)
    host = parts.hostname.removeprefix("www.")
    anchor = '<a href="{}" rel="noopener noreferrer nofollow ugc">{}</a>'
    link = format_html(anchor, url, text or url)
    return format_html('{} <span class="muted">({})</span>', link, host) if text else link


@register.filter
def translated(value) -> str:
    """Translate a name stored as data (ecosystems, technologies) through the catalogue."""
    return gettext(str(value)) if value else ""


@register.simple_tag(takes_context=True)
def toggle_param(context, name: str, value: str) -> str:
    """The current query string with ``name=value`` added or removed (for facet links)."""
    params = context["request"].GET.copy()
    params.pop("page", None)
    values = params.getlist(name)
    if value in values:
        values.remove(value)
    else:
        values.append(value)
    params.setlist(name, values)
    return "?" + params.urlencode() if params else "?"


@register.simple_tag(takes_context=True)
def with_param(context, name: str, value) -> str:
    params = context["request"].GET.copy()
    params[name] = value
    return "?" + params.urlencode()


@register.filter
def get_item(mapping, key):
    return mapping.get(key) if mapping else None


@register.simple_tag
def facet_options(name: str, options, translate_labels: bool = False):
    """The checkbox list items of one facet (rendered in Python: facets have many options)."""
    from django.utils.html import format_html_join
    from django.utils.safestring import mark_safe

    return format_html_join(
        "",
        '<li><label><input type="checkbox" name="{}" value="{}"{}> <span>{}</span> '
        '<span class="count">{}</span></label></li>',
        (
            (
                name,
                option["value"],
                mark_safe(" checked") if option["selected"] else "",
                gettext(option["label"]) if translate_labels else option["label"],
                option["count"],
            )
            for option in options
        ),
    )


@register.filter
def person(user) -> str:
    """A person as pages name them: their name, their address only when they gave no name."""
    if not user:
        return ""
    return user.get_full_name() or user.email or user.get_username()


@register.filter
def when(value, pattern: str = "DATETIME_FORMAT") -> str:
    """A date or time written with ``pattern`` (Django's letters) in the reader's language.
    In French the short month is N ("juin", "juil."), since M writes "Jui" for both."""
    from django.template.defaultfilters import date
    from django.utils.translation import get_language

    if (get_language() or "").startswith("fr"):
        pattern = re.sub(r"(?<!\\)M", "N", pattern)
    return date(value, pattern)
