"""One way to write dates and times per language: day, month, year and a 24-hour clock; in
French, month abbreviations that cannot be confused (juin, juil.)."""

import datetime as dt
from zoneinfo import ZoneInfo

from django.template import Context, Template
from django.utils import timezone, translation
from django.utils.formats import date_format

from clusterhub.core.timezones import written

PARIS = ZoneInfo("Europe/Paris")
JUNE = dt.datetime(2026, 6, 3, 14, 22, tzinfo=PARIS)
JULY = dt.datetime(2026, 7, 3, 9, 5, 30, tzinfo=PARIS)


def render(source: str, **context) -> str:
    return Template("{% load clusterhub %}" + source).render(Context(context))


def test_dates_in_english():
    with translation.override("en"):
        assert date_format(JUNE.date()) == "3 Jun 2026"
        assert date_format(JUNE, "DATETIME_FORMAT") == "3 Jun 2026, 14:22"
        assert date_format(JUNE.date(), "SHORT_DATE_FORMAT") == "3 Jun 2026"
        assert written(JULY, PARIS) == "3 Jul 2026, 09:05:30"
        with timezone.override(PARIS):
            assert render('{{ d|when:"D j M, H:i" }}', d=JUNE) == "Wed 3 Jun, 14:22"


def test_dates_in_french_with_months_that_cannot_be_confused():
    with translation.override("fr"):
        assert date_format(JUNE.date()) == "3 juin 2026"
        assert date_format(JULY.date()) == "3 juil. 2026"
        assert date_format(JUNE, "DATETIME_FORMAT") == "3 juin 2026, 14:22"
        assert date_format(JULY.date(), "SHORT_DATE_FORMAT") == "3 juil. 2026"
        with timezone.override(PARIS):
            assert render('{{ d|when:"D j M" }}', d=JUNE) == "mer 3 juin"
            assert render('{{ d|when:"D j M" }}', d=JULY) == "ven 3 juil."
