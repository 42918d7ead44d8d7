"""``{% news_about obj %}``: the public news linked to an organisation, event, call or
consultation, for their pages (the news app reads them; they never import it)."""

from django import template

from .. import selectors

register = template.Library()


@register.inclusion_tag("news/_news_about.html")
def news_about(obj):
    return {"articles": selectors.news_about(obj)}
