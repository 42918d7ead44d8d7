"""Browser tests: Debian's Chromium driven by Playwright (sync API) against `live_server`.

Run them with `make test-browser`. The pytest-playwright plugin is disabled for this run
(`-p no:playwright`): it wants a browser it downloads itself; here we use /usr/bin/chromium.

Fixtures:
- `browser`: one headless Chromium per session. Playwright's `launch()` always starts it
  with a fresh temporary profile (user-data dir) that it deletes on close; Chromium refuses
  `--user-data-dir` in `args` with `launch()`.
- `context`, `page`: a new incognito context and page per test.
- reference data is reloaded before each test by tests/conftest.py, because `live_server`
  uses a transactional database that is flushed after every test.
"""

import os
from pathlib import Path

import pytest

# live_server runs in a thread while Playwright's sync API runs an event loop in this one.
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")

CHROMIUM = Path(os.environ.get("CLUSTERHUB_CHROMIUM", "/usr/bin/chromium"))
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--disable-dev-shm-usage",
]
DEFAULT_TIMEOUT_MS = 10_000


def pytest_collection_modifyitems(items):
    for item in items:
        if item.path.is_relative_to(Path(__file__).parent):
            item.add_marker(pytest.mark.browser)


@pytest.fixture(scope="session")
def playwright_instance():
    sync_playwright = pytest.importorskip("playwright.sync_api").sync_playwright
    with sync_playwright() as playwright:
        yield playwright


@pytest.fixture(scope="session")
def browser(playwright_instance):
    if not CHROMIUM.exists():
        pytest.fail(f"{CHROMIUM} is missing: run scripts/ensure-chromium.sh")
    browser = playwright_instance.chromium.launch(
        executable_path=str(CHROMIUM), headless=True, args=CHROMIUM_ARGS
    )
    yield browser
    browser.close()


@pytest.fixture
def context(browser):
    context = browser.new_context(locale="en-GB", timezone_id="Europe/Brussels")
    context.set_default_timeout(DEFAULT_TIMEOUT_MS)
    yield context
    context.close()


@pytest.fixture
def page(context):
    return context.new_page()
