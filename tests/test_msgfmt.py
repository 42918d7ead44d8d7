"""The test set-up's .po → .mo compiler (tests/msgfmt.py) reads what gettext reads."""

import gettext
import os

from tests import msgfmt

PO = r"""# A comment.
msgid ""
msgstr ""
"Content-Type: text/plain; charset=UTF-8\n"
"Plural-Forms: nplurals=2; plural=(n > 1);\n"

#: a.py:1
msgid "Hello"
msgstr "Bonjour"

msgid ""
"A long "
"line with \"quotes\"\n"
"and a tab\t."
msgstr "Une longue ligne avec des « guillemets »\n"
"et une tabulation\t."

msgctxt "month"
msgid "May"
msgstr "mai"

msgid "%(n)d organisation"
msgid_plural "%(n)d organisations"
msgstr[0] "%(n)d organisation"
msgstr[1] "%(n)d organisations"

#, fuzzy
msgid "Guessed"
msgstr "Deviné"

#, python-format
msgid "Untranslated %(x)s"
msgstr ""

#~ msgid "Obsolete"
#~ msgstr "Obsolète"
"""


def test_compiled_catalogue_reads_back_with_gettext(tmp_path):
    po = tmp_path / "django.po"
    po.write_text(PO, encoding="utf-8")
    with msgfmt.compile_po(po).open("rb") as mo:
        catalogue = gettext.GNUTranslations(mo)

    assert catalogue.gettext("Hello") == "Bonjour"
    assert catalogue.gettext('A long line with "quotes"\nand a tab\t.') == (
        "Une longue ligne avec des « guillemets »\net une tabulation\t."
    )
    assert catalogue.pgettext("month", "May") == "mai"
    assert catalogue.gettext("May") == "May"
    assert catalogue.ngettext("%(n)d organisation", "%(n)d organisations", 1) == (
        "%(n)d organisation"
    )
    assert catalogue.ngettext("%(n)d organisation", "%(n)d organisations", 3) == (
        "%(n)d organisations"
    )
    # Fuzzy, untranslated and obsolete entries are left out, as GNU msgfmt leaves them out.
    assert catalogue.gettext("Guessed") == "Guessed"
    assert catalogue.gettext("Untranslated %(x)s") == "Untranslated %(x)s"
    assert catalogue.gettext("Obsolete") == "Obsolete"
    assert catalogue.info()["plural-forms"] == "nplurals=2; plural=(n > 1);"


def test_only_missing_or_stale_catalogues_are_compiled(tmp_path):
    folder = tmp_path / "fr" / "LC_MESSAGES"
    folder.mkdir(parents=True)
    po = folder / "django.po"
    po.write_text(PO, encoding="utf-8")

    assert msgfmt.compile_stale(tmp_path) == [folder / "django.mo"]
    assert msgfmt.compile_stale(tmp_path) == []

    mo_time = (folder / "django.mo").stat().st_mtime
    os.utime(po, (mo_time + 10, mo_time + 10))
    assert msgfmt.compile_stale(tmp_path) == [folder / "django.mo"]
