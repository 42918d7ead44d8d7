"""The reference vocabularies (countries, NUTS, ecosystems, technologies, NACE, kinds), loaded
once per import so that no row needs a query.
"""

from __future__ import annotations

from django.conf import settings
from django.utils import translation

from clusterhub.core.search import normalise
from clusterhub.reference.models import Country, Ecosystem, NaceActivity, NutsRegion, Technology
from clusterhub.reference.selectors import resolve_country_code

from ..models import OrganisationKind


class Vocabulary:
    """Lookup tables for one import: no query per row."""

    def __init__(self) -> None:
        self.country_names: dict[str, str] = {}
        self.countries_by_name: dict[str, str] = {}
        for code, name in Country.objects.values_list("code", "name"):
            self.country_names[code] = name
            self.countries_by_name[normalise(name)] = code
        self.nuts_country: dict[str, str] = dict(
            NutsRegion.objects.values_list("code", "country_id")
        )
        self.ecosystem_names: dict[str, str] = {}
        self.ecosystems: dict[str, str] = {}
        for slug, name in Ecosystem.objects.values_list("slug", "name"):
            self.ecosystem_names[slug] = name
            self.ecosystems[slug.lower()] = slug
            self.ecosystems[normalise(name)] = slug
        self.technology_names: dict[str, str] = {}
        self.technologies: dict[str, str] = {}
        for slug, name in Technology.objects.values_list("slug", "name"):
            self.technology_names[slug] = name
            self.technologies[slug.lower()] = slug
            self.technologies[normalise(name)] = slug
        self.nace: set[str] = set(NaceActivity.objects.values_list("code", flat=True))
        self.kinds: dict[str, str] = {}
        for value, label in OrganisationKind.choices:
            self.kinds[value] = value
            self.kinds[normalise(value.replace("_", " "))] = value
            for language, _name in settings.LANGUAGES:  # labels as exported in any language
                with translation.override(language):
                    self.kinds[normalise(str(label))] = value
        self.kinds.update(KIND_SYNONYMS)

    def country(self, text: str) -> str | None:
        return resolve_country_code(text) or self.countries_by_name.get(normalise(text.strip()))


KIND_SYNONYMS = {
    "sme": "company",
    "enterprise": "company",
    "business": "company",
    "private company": "company",
    "university": "higher_education",
    "higher education institution": "higher_education",
    "research": "research",
    "research organization": "research",
    "public": "public_authority",
    "public body": "public_authority",
    "public authority": "public_authority",
    "cluster": "cluster",
    "cluster organization": "cluster",
}
