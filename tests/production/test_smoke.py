"""The production stack end to end, over HTTP only: gunicorn, the worker, PostgreSQL, Redis and
an SMTP server, as scripts/with-production.sh starts them. What a visitor, a participant, an
organiser and an API client see."""

from __future__ import annotations

import os
import re
import time

import httpx

from .conftest import BASE_URL
from .html import csrf_token, form_with, mails_to, text_of

MAIL_DIR = os.environ.get("CLUSTERHUB_MAIL_DIR", "")
PASSWORD = "Stack-smoke-2026-password"  # noqa: S105


def wait_for(check, what: str, timeout: float = 60.0):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        value = check()
        if value:
            return value
        time.sleep(0.5)
    raise AssertionError(f"{what} did not happen within {timeout:.0f} s")


def sign_in(client: httpx.Client, email: str, password: str) -> None:
    page = client.get("/accounts/login/")
    response = client.post(
        "/accounts/login/",
        data={"csrfmiddlewaretoken": csrf_token(page.text), "login": email, "password": password},
        headers={"Referer": str(page.url)},
    )
    assert response.status_code == 200
    assert "Log out" in response.text, "not signed in"


def open_event_slug(client: httpx.Client) -> str:
    events = client.get("/api/v1/events", params={"when": "upcoming", "limit": 50})
    assert events.status_code == 200
    slugs = [e["slug"] for e in events.json()["items"] if e["registration_open"]]
    assert slugs, "no event open for registration in the demo content"
    return slugs[0]


def test_health_check_says_every_part_answers():
    response = httpx.get(f"{BASE_URL}/healthz", timeout=10)
    assert response.status_code == 200
    body = response.json()
    assert body["status"] == "ok"
    assert body["database"]["status"] == "ok"
    assert body["cache"]["status"] == "ok"
    assert body["worker"]["status"] == "ok"
    assert body["worker"]["age_seconds"] <= 30
    assert response.headers["Cache-Control"].startswith("max-age=0")


def test_static_files_are_served_with_far_future_cache_headers(browser):
    home = browser.get("/")
    assert home.status_code == 200
    css = re.search(r'href="(/static/clusterhub/clusterhub\.[0-9a-f]{12}\.css)"', home.text)
    assert css, "the page does not link the fingerprinted style sheet"
    response = browser.get(css.group(1), headers={"Accept-Encoding": "br, gzip"})
    assert response.status_code == 200
    assert response.headers["Content-Type"].startswith("text/css")
    assert "immutable" in response.headers["Cache-Control"]
    assert int(re.search(r"max-age=(\d+)", response.headers["Cache-Control"]).group(1)) >= (
        365 * 24 * 3600
    )
    assert response.headers.get("Content-Encoding") in ("br", "gzip")
    # The API documentation's own files (django-ninja) are collected too.
    docs = browser.get("/api/v1/docs")
    assert docs.status_code == 200
    swagger = re.search(r'src="(/static/ninja/[^"]+\.js)"', docs.text)
    assert swagger and browser.get(swagger.group(1)).status_code == 200


def test_sign_up_verify_sign_in_and_register_for_an_event(browser, demo_loaded):
    email = f"smoke-{time.time_ns()}@example.eu"
    page = browser.get("/accounts/signup/")
    assert page.status_code == 200
    response = browser.post(
        "/accounts/signup/",
        data={
            "csrfmiddlewaretoken": csrf_token(page.text),
            "email": email,
            "first_name": "Smoke",
            "last_name": "Test",
            "password1": PASSWORD,
            "password2": PASSWORD,
        },
        headers={"Referer": str(page.url)},
    )
    assert response.status_code == 200
    assert "/accounts/confirm-email/" in str(response.url)

    mail = wait_for(lambda: mails_to(MAIL_DIR, email), "the verification e-mail")[0]
    link = re.search(r"https?://\S+/accounts/confirm-email/\S+/", text_of(mail))
    assert link, text_of(mail)
    assert link.group(0).startswith(BASE_URL)
    confirm = browser.get(link.group(0))
    assert confirm.status_code == 200
    confirmed = browser.post(
        link.group(0),
        data={"csrfmiddlewaretoken": csrf_token(confirm.text)},
        headers={"Referer": link.group(0)},
    )
    assert confirmed.status_code == 200

    sign_in(browser, email, PASSWORD)

    slug = open_event_slug(browser)
    form_page = browser.get(f"/events/{slug}/register/")
    assert form_page.status_code == 200
    data = form_with(form_page.text, "first_name")
    data.update(
        first_name="Ada",
        last_name="Smoke",
        email=email,
        organisation_name="Smoke Test Cluster",
        organisation_kind="cluster",
        country="FR",
    )
    registered = browser.post(
        f"/events/{slug}/register/", data=data, headers={"Referer": str(form_page.url)}
    )
    assert registered.status_code == 200
    assert "/tickets/" in str(registered.url), registered.text[-3000:]
    assert "You are registered" in registered.text or "waiting list" in registered.text

    # The confirmation e-mail goes out from the worker.
    wait_for(lambda: len(mails_to(MAIL_DIR, email)) >= 2, "the registration e-mail")


def test_organiser_gets_the_booklet_built_by_the_worker_and_uses_the_api(browser, admin_password):
    sign_in(browser, "admin@clusterhub.local", admin_password)

    # A personal API token, made on its web page.
    tokens = browser.get("/account/tokens/")
    made = browser.post(
        "/account/tokens/",
        data={"csrfmiddlewaretoken": csrf_token(tokens.text), "name": "smoke test"},
        headers={"Referer": str(tokens.url)},
    )
    assert made.status_code == 200
    token = re.search(r'<code class="token">([^<]+)</code>', made.text).group(1)
    api = httpx.Client(base_url=BASE_URL, headers={"Authorization": f"Bearer {token}"}, timeout=30)
    assert api.get("/api/v1/events/registrations").status_code == 200
    anonymous = httpx.get(f"{BASE_URL}/api/v1/events/registrations", timeout=10)
    assert anonymous.status_code == 401
    assert anonymous.json()["detail"]

    # The booklet: the organiser lands on the job's page; the worker builds the PDF.
    slug = open_event_slug(browser)
    started = browser.get(f"/events/{slug}/booklet.pdf")
    assert started.status_code == 200
    job = re.search(r"/jobs/(\d+)/$", str(started.url))
    assert job, f"not the job's page but {started.url}"
    job_id = job.group(1)

    def finished():
        body = api.get(f"/api/v1/jobs/{job_id}").json()
        return body if body["status"] in ("done", "failed") else None

    body = wait_for(finished, "the booklet job", timeout=90)
    assert body["status"] == "done", body
    pdf = browser.get(f"/jobs/{job_id}/download/")
    assert pdf.status_code == 200
    assert pdf.headers["Content-Type"] == "application/pdf"
    assert pdf.content.startswith(b"%PDF")
    api.close()
