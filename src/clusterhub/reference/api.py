from django.shortcuts import get_object_or_404
from ninja import Router, Schema

from .models import Country, Ecosystem, NaceActivity, NutsRegion, Technology

router = Router(tags=["reference"])


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


@router.get("/countries", response=list[CountryOut])
def countries(request, status: str | None = None):
    qs = Country.objects.all()
    return qs.filter(status=status) if status else qs


@router.get("/nuts", response=list[NutsOut])
def nuts_regions(request, level: int | None = None, country: str | None = None):
    qs = NutsRegion.objects.defer("geometry", "svg_path")
    if level is not None:
        qs = qs.filter(level=level)
    if country:
        qs = qs.filter(country_id=country.upper())
    return qs


@router.get("/nuts/{code}", response=NutsOut)
def nuts_region(request, code: str):
    return get_object_or_404(NutsRegion.objects.defer("geometry", "svg_path"), code=code.upper())


@router.get("/ecosystems", response=list[VocabularyOut])
def ecosystems(request):
    return Ecosystem.objects.all()


@router.get("/technologies", response=list[VocabularyOut])
def technologies(request):
    return Technology.objects.all()


@router.get("/nace", response=list[NaceOut])
def nace(request):
    return NaceActivity.objects.all()
