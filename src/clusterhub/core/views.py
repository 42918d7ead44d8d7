import time

from django.contrib import messages
from django.contrib.auth import logout
from django.contrib.auth.decorators import login_required
from django.contrib.auth.views import redirect_to_login
from django.core.cache import cache
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import connection
from django.http import HttpResponse, JsonResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.crypto import get_random_string
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_http_methods

from . import heartbeat, privacy, services
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


def _timed(check) -> dict:
    """Run ``check``; its status and how long it took, never the error's text (no secrets)."""
    started = time.perf_counter()
    try:
        check()
    except Exception as exc:  # any failure means "down"; its class names the kind
        return {"status": "down", "error": type(exc).__name__}
    return {"status": "ok", "ms": round((time.perf_counter() - started) * 1000, 1)}


def _check_database() -> None:
    with connection.cursor() as cursor:
        cursor.execute("SELECT 1")
        cursor.fetchone()


def _check_cache() -> None:
    key = "clusterhub:healthz"
    value = get_random_string(12)
    cache.set(key, value, timeout=30)
    if cache.get(key) != value:
        raise LookupError("the cache did not return what was stored")


@never_cache
@require_http_methods(["GET", "HEAD"])
def healthz(request):
    """Whether this server can serve: the database and cache answer, a worker is alive.

    200 with ``"status": "ok"``; otherwise 503 with ``"degraded"`` (the database answers but
    the cache or the worker does not) or ``"down"`` (the database does not). Cheap, anonymous,
    without personal data or secrets.
    """
    database = _timed(_check_database)
    cache_health = _timed(_check_cache)
    try:
        worker = heartbeat.worker_health()
    except Exception as exc:  # the heartbeat lives in the cache, which may be down
        worker = {"status": "unknown", "error": type(exc).__name__}
    if database["status"] != "ok":
        status = "down"
    elif cache_health["status"] != "ok" or worker["status"] not in ("ok", "not needed"):
        status = "degraded"
    else:
        status = "ok"
    return JsonResponse(
        {"status": status, "database": database, "cache": cache_health, "worker": worker},
        status=200 if status == "ok" else 503,
    )


def admin_login(request):
    """The administration's sign-in is the site's own, with its shared limits on failed
    attempts (per address and per account) and its e-mail verification: the admin has no
    second, unguarded door. A signed-in account without access is told so, not sent round in
    a loop."""
    if request.user.is_authenticated:
        if request.user.is_active and request.user.is_staff:
            return redirect(_safe_next(request) or "admin:index")
        raise PermissionDenied(_("This account has no access to the administration."))
    return redirect_to_login(
        _safe_next(request) or reverse("admin:index"), reverse("account_login")
    )


def _safe_next(request) -> str:
    target = request.GET.get("next", "")
    if target and url_has_allowed_host_and_scheme(
        target, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return target
    return ""


@login_required
@require_http_methods(["GET", "POST"])
def personal_data(request):
    """The account's own data: a ZIP of everything about the signed-in person, and the
    deletion of the account (confirmed with the password)."""
    error = ""
    if request.method == "POST" and request.POST.get("action") == "download":
        response = HttpResponse(privacy.export_zip(request.user), content_type="application/zip")
        stamp = timezone.localdate().isoformat()
        response["Content-Disposition"] = f'attachment; filename="clusterhub-my-data-{stamp}.zip"'
        return response
    if request.method == "POST" and request.POST.get("action") == "delete":
        if not request.user.check_password(request.POST.get("password", "")):
            error = _("The password is not right: the account was not deleted.")
        else:
            try:
                privacy.delete_account(request.user)
            except PermissionDenied as exc:
                error = str(exc)
            else:
                logout(request)
                messages.success(request, _("Your account is deleted. Thank you for your visit."))
                return redirect("home")
    return render(
        request,
        "core/personal_data.html",
        {"error": error, "is_staff": request.user.is_staff},
        status=400 if error else 200,
    )
