"""Reference data, read-only and public: countries, NUTS regions, ecosystems, technologies, NACE.

Lists are paginated like every list of the API; vocabularies are short, so a page holds up to
1,000 entries.
"""

from django.shortcuts import get_object_or_404
from ninja import Field, Query, Router, Schema

from clusterhub.core.api import ErrorBody, OptionalTokenAuth, Page, PageParams, paginate

from .models import Country, Ecosystem, NaceActivity, NutsRegion, Technology

router = Router(tags=["reference"], auth=OptionalTokenAuth())


class ReferencePage(PageParams):
    limit: int = Field(100, ge=1, le=1000, description="Items per page.")


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


@router.get("/countries", response=Page[CountryOut])
def countries(request, page: Query[ReferencePage], status: str | None = None):
    qs = Country.objects.all()
    if status:
        qs = qs.filter(status=status)
    return paginate(request, qs, page)


@router.get("/nuts", response=Page[NutsOut])
def nuts_regions(
    request, page: Query[ReferencePage], level: int | None = None, country: str | None = None
):
    qs = NutsRegion.objects.defer("geometry", "svg_path")
    if level is not None:
        qs = qs.filter(level=level)
    if country:
        qs = qs.filter(country_id=country.upper())
    return paginate(request, qs, page)


@router.get("/nuts/{code}", response={200: NutsOut, 404: ErrorBody})
def nuts_region(request, code: str):
    return get_object_or_404(NutsRegion.objects.defer("geometry", "svg_path"), code=code.upper())


@router.get("/ecosystems", response=Page[VocabularyOut])
def ecosystems(request, page: Query[ReferencePage]):
    return paginate(request, Ecosystem.objects.all(), page)


@router.get("/technologies", response=Page[VocabularyOut])
def technologies(request, page: Query[ReferencePage]):
    return paginate(request, Technology.objects.all(), page)


@router.get("/nace", response=Page[NaceOut])
def nace(request, page: Query[ReferencePage]):
    return paginate(request, NaceActivity.objects.all(), page)
