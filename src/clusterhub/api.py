"""The JSON API, mounted at /api/v1/; OpenAPI document at /api/v1/openapi.json.

One scheme for every app: ``/api/v1/<app>/…`` (``/api/v1/registry/clusters``,
``/api/v1/events/{slug}``). Each app's ``api.py`` holds its schemas and endpoints only; the
plumbing (auth, errors, pages, filters, limits) is :mod:`clusterhub.core.api`.
"""

from ninja import NinjaAPI, Swagger

from clusterhub.core.api import install_error_handlers
from clusterhub.core.api.throttling import api_throttles

api = NinjaAPI(
    title="Clusterhub API",
    version="1.0",
    description=(
        "Cluster organisations, organisations, events, partnering, B2B meetings, calls and "
        "reference "
        "data. Reading is open to everyone; writing needs a personal token "
        "(Authorization: Bearer …) created under Account → API tokens, or a signed-in "
        "session with its CSRF token. Errors answer "
        '{"detail": …, "errors": [{"field": …, "message": …}]}; lists are pages '
        "(?limit=&offset=) with count, next and previous."
    ),
    auth=None,
    urls_namespace="api",
    docs=Swagger(),
    throttle=api_throttles(),
)
install_error_handlers(api)

APPS = ("reference", "registry", "events", "partnering", "matchmaking", "calls", "actionplans")
for app in APPS:
    api.add_router(f"/{app}/", f"clusterhub.{app}.api.router")
api.add_router("/jobs/", "clusterhub.core.jobs_api.router")
