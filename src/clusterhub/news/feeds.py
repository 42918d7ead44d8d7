"""RSS and Atom feeds of the public news: all, per tag, per ecosystem, per organisation."""

from django.contrib.syndication.views import Feed
from django.http import Http404
from django.shortcuts import get_object_or_404
from django.urls import reverse
from django.utils.feedgenerator import Atom1Feed
from django.utils.translation import gettext as _

from clusterhub.reference.models import Ecosystem
from clusterhub.registry.models import Organisation

from . import selectors
from .models import Tag


class NewsFeed(Feed):
    def get_object(self, request, kind=None, slug=None):
        if kind == "tag":
            return get_object_or_404(Tag, slug=slug)
        if kind == "ecosystem":
            return get_object_or_404(Ecosystem, slug=slug)
        if kind == "organisation":
            return get_object_or_404(Organisation, slug=slug)
        if kind is not None:
            raise Http404
        return None

    def title(self, obj):
        return _("Clusterhub news") + (f" – {obj}" if obj is not None else "")

    def link(self, obj):
        return reverse("news:list")

    def description(self, obj):
        return _("News of the clusters, their networks and regions.")

    def items(self, obj):
        articles = selectors.public_articles()
        if isinstance(obj, Tag):
            articles = articles.filter(tags=obj)
        elif isinstance(obj, Ecosystem):
            articles = articles.filter(ecosystems=obj)
        elif isinstance(obj, Organisation):
            articles = articles.filter(organisation=obj)
        return articles[:30]

    def item_title(self, item):
        return item.title

    def item_description(self, item):
        return item.summary

    def item_pubdate(self, item):
        return item.publish_at

    def item_updateddate(self, item):
        return item.updated


class AtomNewsFeed(NewsFeed):
    feed_type = Atom1Feed
    subtitle = NewsFeed.description
