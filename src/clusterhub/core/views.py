from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from . import services
from .models import ApiToken


@login_required
@require_http_methods(["GET", "POST"])
def api_tokens(request):
    new_token = None
    if request.method == "POST":
        if "revoke" in request.POST:
            token = get_object_or_404(ApiToken, pk=request.POST["revoke"], user=request.user)
            services.revoke_api_token(token)
            messages.success(request, _("Token revoked."))
            return redirect("api-tokens")
        try:
            _token, new_token = services.issue_api_token(request.user, request.POST.get("name"))
        except ValidationError as exc:
            for message in exc.messages:
                messages.error(request, message)
    return render(
        request,
        "core/api_tokens.html",
        {"tokens": request.user.api_tokens.order_by("-created"), "new_token": new_token},
    )
