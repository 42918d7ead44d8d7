"""Reference data, read-only and public: countries, NUTS regions, ecosystems, technologies, NACE.

Lists are paginated like every list of the API; vocabularies are short, so a page holds up to
1,000 entries.
"""

from typing import Annotated

from django.shortcuts import get_object_or_404
from ninja import Field, FilterLookup, Query, Router, Schema

from clusterhub.core.api import READ_ERRORS, Filters, paginated, read_auth

from .models import Country, Ecosystem, NaceActivity, NutsRegion, Technology

router = Router(tags=["reference"], auth=read_auth)
vocabulary_pages = paginated(limit=100, max_limit=1000)


class CountryOut(Schema):
    code: str
    eu_code: str
    name: str
    status: str


class NutsOut(Schema):
    code: str
    name: str
    name_latin: str
    level: int
    parent_id: str | None
    country_id: str


class VocabularyOut(Schema):
    slug: str
    name: str


class NaceOut(Schema):
    code: str
    name: str
    section_id: str | None


class CountryFilters(Filters):
    status: str | None = Field(None, description="e.g. member, candidate.")


class NutsFilters(Filters):
    level: int | None = Field(None, ge=0, le=3)
    country: Annotated[str | None, FilterLookup("country__code__iexact")] = Field(
        None, description="ISO code."
    )


@router.get("/countries", response={200: list[CountryOut], **READ_ERRORS})
@vocabulary_pages
def countries(request, filters: Query[CountryFilters]):
    return filters.filter(Country.objects.all())


@router.get("/nuts", response={200: list[NutsOut], **READ_ERRORS})
@vocabulary_pages
def nuts_regions(request, filters: Query[NutsFilters]):
    return filters.filter(NutsRegion.objects.defer("geometry", "svg_path"))


@router.get("/nuts/{code}", response={200: NutsOut, **READ_ERRORS})
def nuts_region(request, code: str):
    return get_object_or_404(NutsRegion.objects.defer("geometry", "svg_path"), code=code.upper())


@router.get("/ecosystems", response={200: list[VocabularyOut], **READ_ERRORS})
@vocabulary_pages
def ecosystems(request):
    return Ecosystem.objects.all()


@router.get("/technologies", response={200: list[VocabularyOut], **READ_ERRORS})
@vocabulary_pages
def technologies(request):
    return Technology.objects.all()


@router.get("/nace", response={200: list[NaceOut], **READ_ERRORS})
@vocabulary_pages
def nace(request):
    return NaceActivity.objects.all()
