"""HTTPS, HSTS and the Content-Security-Policy come from the environment and are on by default
in production behind HTTPS; ``check --deploy`` finds nothing; no page needs an inline script."""

import os
import re
import secrets
import subprocess
import sys
from pathlib import Path

import pytest
from django.urls import reverse

from tests.factories import EventFactory, OrganisationFactory

ROOT = Path(__file__).resolve().parents[2]
PRODUCTION = {
    "DEBUG": "0",
    "SECRET_KEY": secrets.token_urlsafe(50),
    "SITE_URL": "https://clusters.example.org",
    "ALLOWED_HOSTS": "clusters.example.org",
}


def run_in_production(code: str, tmp_path) -> str:
    env = {
        **os.environ,
        **PRODUCTION,
        "CLUSTERHUB_VAR_DIR": str(tmp_path),
        "DJANGO_SETTINGS_MODULE": "clusterhub.settings",
    }
    env.pop("DATABASE_URL", None)
    result = subprocess.run(
        [sys.executable, "-c", code], env=env, capture_output=True, text=True, cwd=ROOT
    )
    assert result.returncode == 0, result.stderr
    return result.stdout + result.stderr


def test_the_deployment_check_finds_nothing_in_production_behind_https(tmp_path):
    out = run_in_production(
        "import django; django.setup();"
        "from django.core.management import call_command;"
        "call_command('check', deploy=True, fail_level='WARNING')",
        tmp_path,
    )
    assert "System check identified no issues" in out


def test_production_behind_https_turns_hsts_redirect_and_secure_cookies_on(tmp_path):
    out = run_in_production(
        "import django; django.setup(); from django.conf import settings as s;"
        "print(s.SECURE_SSL_REDIRECT, s.SECURE_HSTS_SECONDS, s.SESSION_COOKIE_SECURE,"
        " s.CSRF_COOKIE_SECURE, s.CACHES['default']['BACKEND'])",
        tmp_path,
    )
    assert out.split() == [
        "True",
        "31536000",
        "True",
        "True",
        "django.core.cache.backends.db.DatabaseCache",
    ]


@pytest.mark.django_db
def test_responses_carry_hsts_and_redirect_to_https_but_not_the_health_check(client, settings):
    settings.SECURE_SSL_REDIRECT = True
    settings.SECURE_HSTS_SECONDS = 31536000
    response = client.get("/clusters/")
    assert response.status_code == 301 and response["Location"].startswith("https://")
    secure = client.get("/clusters/", secure=True)
    assert secure.status_code == 200
    assert secure["Strict-Transport-Security"].startswith("max-age=31536000")
    assert client.get("/healthz").status_code in (200, 503)  # answered, not redirected


@pytest.mark.django_db
def test_pages_carry_a_policy_without_inline_scripts_and_have_none(client):
    org = OrganisationFactory()
    event = EventFactory(status="published")
    for url in (
        reverse("home"),
        reverse("registry:cluster-list"),
        org.get_absolute_url(),
        reverse("events:calendar"),
        event.get_absolute_url(),
        reverse("account_login"),
        "/api/v1/docs",
    ):
        response = client.get(url)
        assert response.status_code == 200, url
        policy = response["Content-Security-Policy"]
        script_src = re.search(r"script-src ([^;]*)", policy).group(1)
        assert script_src.split() == ["'self'"], policy
        html = response.content.decode()
        for tag in re.findall(r"<script\b[^>]*>", html):
            assert "src=" in tag or 'type="application/json"' in tag, (url, tag)
        assert not re.search(r"\son[a-z]+=", html), url
