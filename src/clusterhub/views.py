"""Project-level pages that read several apps (the project package sits above the apps)."""

from django.contrib.auth.decorators import login_required
from django.shortcuts import render

from clusterhub import workspace
from clusterhub.registry import selectors as registry_selectors


def home(request):
    context = {"stats": registry_selectors.registry_stats()}
    if request.user.is_authenticated:
        context["todo"] = workspace.gather(request.user)["todo"][:5]
    return render(request, "home.html", context)


@login_required
def my_clusterhub(request):
    return render(request, "me.html", workspace.gather(request.user))
