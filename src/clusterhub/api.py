"""The JSON API, mounted at /api/v1/; OpenAPI document at /api/v1/openapi.json."""

from ninja import NinjaAPI

from clusterhub.core.api import TokenAuth, install_error_handlers

api = NinjaAPI(
    title="Clusterhub API",
    version="1.0",
    description=(
        "Cluster organisations, organisations and reference data. Reading is open to everyone; "
        "writing needs a personal token (Authorization: Bearer …) created under "
        "Account → API tokens."
    ),
    auth=None,
    urls_namespace="api",
)
install_error_handlers(api)

api.add_router("/reference/", "clusterhub.reference.api.router")
api.add_router("/", "clusterhub.registry.api.router")
api.add_router("/events/", "clusterhub.events.api.router")
api.add_router("/partnering/", "clusterhub.partnering.api.router")
api.add_router("/matchmaking/", "clusterhub.matchmaking.api.router")

__all__ = ["api", "TokenAuth"]
