"""Loading of the reference data. Every loader is idempotent: run it again and nothing doubles."""

from __future__ import annotations

import json
from pathlib import Path

import pycountry
from django.conf import settings
from django.db import transaction

from clusterhub.core.svg import geometry_to_path

from . import data
from .models import Country, Ecosystem, NaceActivity, NutsRegion, Technology


def _status(iso: str) -> str:
    if iso in data.EU_MEMBER_STATES:
        return Country.Status.MEMBER_STATE
    if iso in data.ASSOCIATED_COUNTRIES:
        return Country.Status.ASSOCIATED
    return Country.Status.THIRD


@transaction.atomic
def load_countries() -> int:
    rows = [(c.alpha_2, getattr(c, "common_name", None) or c.name) for c in pycountry.countries]
    rows.append(("XK", "Kosovo"))
    objs = [
        Country(
            code=iso,
            eu_code=data.ISO_TO_EU_CODE.get(iso, iso),
            name=name,
            status=_status(iso),
        )
        for iso, name in rows
    ]
    Country.objects.bulk_create(
        objs,
        update_conflicts=True,
        unique_fields=["code"],
        update_fields=["eu_code", "name", "status"],
    )
    return len(objs)


@transaction.atomic
def load_vocabularies() -> None:
    Ecosystem.objects.bulk_create(
        [Ecosystem(slug=slug, name=name) for slug, name in data.ECOSYSTEMS],
        update_conflicts=True,
        unique_fields=["slug"],
        update_fields=["name"],
    )
    Technology.objects.bulk_create(
        [Technology(slug=slug, name=name) for slug, name in data.TECHNOLOGIES],
        update_conflicts=True,
        unique_fields=["slug"],
        update_fields=["name"],
    )
    NaceActivity.objects.bulk_create(
        [NaceActivity(code=code, name=name) for code, name in data.NACE_SECTIONS],
        update_conflicts=True,
        unique_fields=["code"],
        update_fields=["name"],
    )
    NaceActivity.objects.bulk_create(
        [
            NaceActivity(code=code, name=name, section_id=section)
            for code, section, name in data.NACE_DIVISIONS
        ],
        update_conflicts=True,
        unique_fields=["code"],
        update_fields=["name", "section"],
    )


def nuts_dir() -> Path:
    return settings.SHARED_DATA_DIR / "nuts"


@transaction.atomic
def load_nuts(directory: Path | None = None) -> int:
    """Load the NUTS 2021 regions (all levels) with their outlines and label points."""
    directory = directory or nuts_dir()
    regions = json.loads((directory / "NUTS_RG_60M_2021_4326.geojson").read_text())["features"]
    labels = {
        f["properties"]["NUTS_ID"]: f["geometry"]["coordinates"]
        for f in json.loads((directory / "NUTS_LB_2021_4326.geojson").read_text())["features"]
    }
    countries = {c.eu_code: c.code for c in Country.objects.all()}
    objs = []
    for feature in sorted(regions, key=lambda f: f["properties"]["LEVL_CODE"]):
        p = feature["properties"]
        code = p["NUTS_ID"]
        lon, lat = labels.get(code, (None, None))
        objs.append(
            NutsRegion(
                code=code,
                name=p["NUTS_NAME"],
                name_latin=p["NAME_LATN"],
                level=p["LEVL_CODE"],
                parent_id=code[:-1] if p["LEVL_CODE"] > 0 else None,
                country_id=countries[p["CNTR_CODE"]],
                geometry=feature["geometry"],
                svg_path=geometry_to_path(feature["geometry"]),
                label_lon=lon,
                label_lat=lat,
            )
        )
    NutsRegion.objects.bulk_create(
        objs,
        batch_size=200,
        update_conflicts=True,
        unique_fields=["code"],
        update_fields=[
            "name",
            "name_latin",
            "level",
            "parent",
            "country",
            "geometry",
            "svg_path",
            "label_lon",
            "label_lat",
        ],
    )
    from .selectors import forget_region_index

    forget_region_index()
    return len(objs)


def load_all(nuts_directory: Path | None = None) -> None:
    load_countries()
    load_vocabularies()
    load_nuts(nuts_directory)
