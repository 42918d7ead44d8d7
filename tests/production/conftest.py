"""Tests against the production stack that scripts/with-production.sh starts (``make
test-production``). Without that stack (``CLUSTERHUB_BASE_URL`` unset) nothing here is
collected, so the SQLite and PostgreSQL suites leave them out."""

import os
import subprocess
import sys
from pathlib import Path

import httpx
import pytest

BASE_URL = os.environ.get("CLUSTERHUB_BASE_URL", "")
ROOT = Path(__file__).resolve().parent.parent.parent

if not BASE_URL:
    collect_ignore_glob = ["test_*.py"]


def pytest_collection_modifyitems(items):
    # The server runs on the real clock: so must this side (cookies expire on the real date).
    for item in items:
        if "tests/production/" in str(item.fspath).replace(os.sep, "/"):
            item.add_marker(pytest.mark.real_clock)


def manage(*args: str) -> str:
    """A ``manage.py`` command on the stack (same environment), its output."""
    result = subprocess.run(
        [sys.executable, str(ROOT / "manage.py"), *args],
        capture_output=True,
        text=True,
        check=False,
        timeout=300,
    )
    assert result.returncode == 0, result.stderr[-2000:]
    return result.stdout


@pytest.fixture(scope="session")
def demo_loaded() -> None:
    """The demo content (events included) and the administrator, loaded by their commands."""
    manage("load_demo", "--without-history")
    manage("ensure_admin")


@pytest.fixture(scope="session")
def admin_password(demo_loaded) -> str:
    path = Path(os.environ["CLUSTERHUB_VAR_DIR"]) / "admin-password.txt"
    return path.read_text(encoding="utf-8").strip()


@pytest.fixture
def browser():
    """A cookie-keeping HTTP client on the stack, like a browser (no JavaScript)."""
    with httpx.Client(base_url=BASE_URL, follow_redirects=True, timeout=30) as client:
        yield client
