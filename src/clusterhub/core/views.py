from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from clusterhub.registry import selectors as registry_selectors

from .models import ApiToken


def home(request):
    return render(request, "home.html", {"stats": registry_selectors.registry_stats()})


@login_required
@require_http_methods(["GET", "POST"])
def api_tokens(request):
    new_token = None
    if request.method == "POST":
        if "revoke" in request.POST:
            token = get_object_or_404(ApiToken, pk=request.POST["revoke"], user=request.user)
            token.delete()
            messages.success(request, _("Token revoked."))
            return redirect("api-tokens")
        name = (request.POST.get("name") or "").strip()[:100]
        if not name:
            messages.error(request, _("Give the token a name, e.g. the script that will use it."))
        else:
            _token, new_token = ApiToken.issue(request.user, name)
    return render(
        request,
        "core/api_tokens.html",
        {"tokens": request.user.api_tokens.order_by("-created"), "new_token": new_token},
    )
