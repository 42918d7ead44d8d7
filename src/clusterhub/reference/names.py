"""Reference names in the reader's language.

Countries come from pycountry's ISO 3166 catalogues (the common name where there is one:
"Corée du Sud", not "Corée, République de"); ecosystems, technologies and NACE sections from
the platform's own catalogue. The stored names stay in English, as the sources write them.
"""

import gettext as gettext_module
from functools import cache

import pycountry
from django.utils.translation import get_language, gettext


@cache
def _iso3166(language: str):
    return gettext_module.translation(
        "iso3166-1", pycountry.LOCALES_DIR, languages=[language], fallback=True
    )


@cache
def _record(code: str):
    return pycountry.countries.get(alpha_2=code)


def country_name(code: str, english: str = "") -> str:
    """The name of the country ``code`` in the active language (``english`` when unknown)."""
    language = (get_language() or "en").split("-")[0]
    record = _record(code) if code else None
    if language == "en" or record is None:
        return english or (record.name if record else code)
    catalogue = _iso3166(language)
    common = getattr(record, "common_name", None)
    if common and (name := catalogue.gettext(common)) != common:
        return name
    return catalogue.gettext(record.name)


def vocabulary_name(english: str) -> str:
    """An ecosystem, technology or NACE section name in the active language."""
    return gettext(english) if english else ""
