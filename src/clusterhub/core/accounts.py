"""Accounts: where a person lands after signing up.

Someone who signs up on the way somewhere (the registration form of an event, an opportunity)
gets there once their address is verified and they are signed in: the ``next`` address given
at sign-up is kept in the session (only an address of this site) and used after the
verification and at the next sign-in.
"""

from __future__ import annotations

from urllib.parse import urlencode

from allauth.account.adapter import DefaultAccountAdapter
from django.utils.http import url_has_allowed_host_and_scheme

NEXT = "clusterhub_signup_next"


class AccountAdapter(DefaultAccountAdapter):
    def save_user(self, request, user, form, commit=True):
        user = super().save_user(request, user, form, commit)
        target = request.POST.get("next") or request.GET.get("next")
        if target and url_has_allowed_host_and_scheme(
            target, allowed_hosts={request.get_host()}, require_https=request.is_secure()
        ):
            request.session[NEXT] = target
        return user

    def get_email_verification_redirect_url(self, email_address) -> str:
        target = self.request.session.get(NEXT)
        url = super().get_email_verification_redirect_url(email_address)
        if not target:
            return url
        if self.request.user.is_authenticated:
            self.request.session.pop(NEXT, None)
            return target
        return f"{url}?{urlencode({'next': target})}"

    def get_login_redirect_url(self, request) -> str:
        return request.session.pop(NEXT, None) or super().get_login_redirect_url(request)
