"""Project-level pages that read several apps (the project package sits above the apps)."""

from django.shortcuts import render

from clusterhub.registry import selectors as registry_selectors


def home(request):
    return render(request, "home.html", {"stats": registry_selectors.registry_stats()})
