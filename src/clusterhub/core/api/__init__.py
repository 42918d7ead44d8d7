"""The API toolkit every app's ``api.py`` uses: who is calling (:mod:`.auth`), one error
envelope (:mod:`.errors`), pages (:mod:`.pagination`), input and filter schemas
(:mod:`.schemas`) and request limits (:mod:`.throttling`). An app's API then holds only its
schemas and endpoints."""

from .auth import OptionalTokenAuth, TokenAuth, read_auth, write_auth
from .errors import (
    READ_ERRORS,
    WRITE_ERRORS,
    ErrorBody,
    ErrorItem,
    install_error_handlers,
    rename_fields,
    validation_error_body,
)
from .pagination import Listing, Pages, paginated
from .schemas import DateTime, FacetOption, Filters, FiniteDecimal, FiniteFloat, InputSchema, Patch

__all__ = [
    "DateTime",
    "READ_ERRORS",
    "WRITE_ERRORS",
    "ErrorBody",
    "ErrorItem",
    "FacetOption",
    "Filters",
    "FiniteDecimal",
    "FiniteFloat",
    "InputSchema",
    "Listing",
    "OptionalTokenAuth",
    "Pages",
    "Patch",
    "TokenAuth",
    "install_error_handlers",
    "paginated",
    "read_auth",
    "rename_fields",
    "validation_error_body",
    "write_auth",
]
