"""The interface in French: language switch, translated directory and data names, allauth pages,
and a complete French catalogue (no untranslated or fuzzy entry, placeholders kept)."""

import ast
import re
from pathlib import Path

import pytest
from django.conf import settings
from django.urls import reverse
from django.utils import translation

from clusterhub.reference import data
from tests.factories import ClusterOrganisationFactory

SOURCE_DIR = Path(settings.BASE_DIR)
LOCALE_DIR = Path(settings.LOCALE_PATHS[0]) / "fr" / "LC_MESSAGES"
PO_FILE = LOCALE_DIR / "django.po"


def make_cluster(name, **organisation):
    return ClusterOrganisationFactory(
        organisation__legal_name=name,
        organisation__city="Lyon",
        **{f"organisation__{k}": v for k, v in organisation.items()},
    )


def switch_to_french(client):
    response = client.post(reverse("set_language"), {"language": "fr", "next": "/"})
    assert response.status_code == 302


@pytest.mark.django_db
def test_cluster_directory_in_french_after_switching_language(client):
    make_cluster(
        "Vitagora",
        ecosystems=["agri-food", "mobility-transport-automotive"],
        technologies=["artificial-intelligence"],
    )
    switch_to_french(client)
    html = client.get(reverse("registry:cluster-list")).content.decode()
    assert '<html lang="fr">' in html
    assert "Organisations de clusters" in html
    assert "Se connecter" in html and "S'inscrire" in html
    # Ecosystem and technology names are data, translated through the catalogue.
    assert "Agroalimentaire" in html and "Agri-food" not in html
    assert "Mobilité-transport-automobile" in html
    assert "Intelligence artificielle" in html


@pytest.mark.django_db
def test_accept_language_header_selects_french(client):
    make_cluster("Aerospace Valley", ecosystems=["aerospace-defence"])
    html = client.get(reverse("registry:cluster-list"), HTTP_ACCEPT_LANGUAGE="fr").content.decode()
    assert "Organisations de clusters" in html
    assert "Aérospatiale et défense" in html


@pytest.mark.django_db
def test_english_stays_the_default(client):
    make_cluster("Vitagora", ecosystems=["agri-food"])
    html = client.get(reverse("registry:cluster-list")).content.decode()
    assert '<html lang="en">' in html
    assert "Cluster organisations" in html and "Agri-food" in html
    assert "Organisations de clusters" not in html


@pytest.mark.django_db
def test_login_page_in_french(client):
    switch_to_french(client)
    html = client.get(reverse("account_login")).content.decode()
    assert '<html lang="fr">' in html
    assert "Mot de passe" in html  # allauth's own French catalogue
    assert "Se connecter" in html
    assert "Password" not in html


def test_plural_forms_in_french():
    with translation.override("fr"):
        assert translation.ngettext("cluster organisation", "cluster organisations", 1) == (
            "organisation de cluster"
        )
        assert translation.ngettext("cluster organisation", "cluster organisations", 2) == (
            "organisations de clusters"
        )
        # French uses the singular for 0 and 1.
        assert translation.ngettext("%(n)s member", "%(n)s members", 0) % {"n": 0} == "0 membre"


def test_reference_names_are_in_the_french_catalogue():
    entries = {e["msgid"]: e for e in parse_po(PO_FILE)}
    for vocabulary in (data.ECOSYSTEMS, data.TECHNOLOGIES, data.NACE_SECTIONS):
        for _code, name in vocabulary:
            assert entries.get(name, {}).get("msgstr"), f"{name!r} has no French translation"
    with translation.override("fr"):
        assert translation.gettext("Energy-intensive industries") == (
            "Industries à forte intensité énergétique"
        )
        assert translation.gettext("Manufacturing") == "Industrie manufacturière"


# --- The catalogue itself ---------------------------------------------------------------------

PLACEHOLDER = re.compile(r"%\([\w.]+\)[sdi]|%[sdi]|\{\{\s*[\w.]+\s*\}\}|\{\w*\}")


def unquote(line: str) -> str:
    """The text of one quoted .po line (C escapes)."""
    text = line[line.index('"') + 1 : line.rindex('"')]
    return re.sub(
        r"\\(.)", lambda m: {"n": "\n", "t": "\t", '"': '"', "\\": "\\"}[m.group(1)], text
    )


def parse_po(path: Path) -> list[dict]:
    """Entries of a .po file (blocks separated by blank lines): msgid, msgid_plural, msgstr or
    msgstr[n], flags and whether the entry is obsolete (#~)."""
    entries = []
    for block in re.split(r"\n\s*\n", path.read_text(encoding="utf-8")):
        entry, field = {"flags": set(), "obsolete": False}, None
        for line in block.strip().splitlines():
            if line.startswith("#~"):
                entry["obsolete"] = True
                line = line[2:].strip()
            elif line.startswith("#,"):
                entry["flags"].update(flag.strip() for flag in line[2:].split(","))
                continue
            elif line.startswith("#"):
                continue
            keyword = re.match(r"(msgctxt|msgid_plural|msgid|msgstr(?:\[\d+\])?)\s", line)
            if keyword:
                field = keyword.group(1)
                entry[field] = unquote(line)
            elif line.startswith('"') and field:
                entry[field] += unquote(line)
        if "msgid" in entry:
            entries.append(entry)
    return entries


def placeholders(text: str) -> list[str]:
    return sorted(m.group(0) for m in PLACEHOLDER.finditer(text))


def test_french_catalogue_is_complete():
    entries = parse_po(PO_FILE)
    header, messages = entries[0], entries[1:]
    assert header["msgid"] == "" and "fuzzy" not in header["flags"]
    assert "Plural-Forms: nplurals=2; plural=(n > 1);" in header["msgstr"]
    assert len(messages) > 300
    problems = []
    for e in messages:
        msgid = e["msgid"]
        if e["obsolete"]:
            problems.append(f"obsolete: {msgid!r}")
        if "fuzzy" in e["flags"]:
            problems.append(f"fuzzy: {msgid!r}")
        if "msgid_plural" in e:
            translations = [(e.get("msgstr[0]"), msgid), (e.get("msgstr[1]"), e["msgid_plural"])]
        else:
            translations = [(e.get("msgstr"), msgid)]
        for msgstr, source in translations:
            if not msgstr:
                problems.append(f"untranslated: {source!r}")
            elif placeholders(msgstr) != placeholders(source):
                problems.append(f"placeholders differ: {source!r} -> {msgstr!r}")
    assert not problems, "\n".join(problems)


# Functions of django.utils.translation and the positions of their msgids (context first).
GETTEXT_FUNCTIONS = {
    "gettext": (None, 0, None),
    "gettext_lazy": (None, 0, None),
    "gettext_noop": (None, 0, None),
    "ngettext": (None, 0, 1),
    "ngettext_lazy": (None, 0, 1),
    "pgettext": (0, 1, None),
    "pgettext_lazy": (0, 1, None),
    "npgettext": (0, 1, 2),
    "npgettext_lazy": (0, 1, 2),
}


def marked_strings(path: Path):
    """(msgctxt, msgid, msgid_plural, line) of the literal strings that ``path`` passes to
    django.utils.translation, whatever name the function is imported under."""
    tree = ast.parse(path.read_text(encoding="utf-8"))
    aliases = {}
    for node in ast.walk(tree):
        if isinstance(node, ast.ImportFrom) and node.module == "django.utils.translation":
            for name in node.names:
                if name.name in GETTEXT_FUNCTIONS:
                    aliases[name.asname or name.name] = GETTEXT_FUNCTIONS[name.name]

    def literal(args, index):
        if index is None or index >= len(args):
            return None
        arg = args[index]
        return arg.value if isinstance(arg, ast.Constant) and isinstance(arg.value, str) else ""

    for node in ast.walk(tree):
        if isinstance(node, ast.Call) and isinstance(node.func, ast.Name):
            positions = aliases.get(node.func.id)
            if positions:
                ctx, msgid, plural = (literal(node.args, i) for i in positions)
                if msgid:
                    yield ctx, msgid, plural, node.lineno


def test_every_string_marked_in_python_is_in_the_french_catalogue():
    """makemessages only extracts _, gettext, gettext_lazy… by name: a string marked through
    another alias (e.g. ``gettext_lazy as _lazy``) silently stays in English."""
    catalogue = {(e.get("msgctxt"), e["msgid"]) for e in parse_po(PO_FILE)[1:]}
    missing = []
    for path in sorted(SOURCE_DIR.rglob("*.py")):
        if "migrations" in path.parts:
            continue
        for ctx, msgid, _plural, line in marked_strings(path):
            if (ctx or None, msgid) not in catalogue:
                missing.append(f"{path.relative_to(SOURCE_DIR)}:{line}: {msgid!r}")
    assert not missing, (
        "Not in the French catalogue: run `make messages` and translate. makemessages skips "
        "aliases such as `gettext_lazy as _lazy`: import it as `_` or by its own name.\n"
        + "\n".join(missing)
    )


_STRING = r"u?(?:'(?:[^'\\]|\\.)*'|\"(?:[^\"\\]|\\.)*\")"
_TEMPLATE_CALL = re.compile(
    rf"\b(gettext|ngettext|pgettext|npgettext)\(\s*({_STRING}(?:\s*,\s*{_STRING})*)"
)


def test_every_string_marked_in_templates_is_in_the_french_catalogue():
    """{% translate %} and {% blocktranslate %} strings, read the way makemessages reads them."""
    from django.utils.translation.template import templatize

    catalogue = {(e.get("msgctxt"), e["msgid"]) for e in parse_po(PO_FILE)[1:]}
    missing, seen = [], 0
    for path in sorted(SOURCE_DIR.rglob("*.html")):
        code = templatize(path.read_text(encoding="utf-8"), origin=str(path))
        for match in _TEMPLATE_CALL.finditer(code):
            function, args = match.groups()
            strings = [ast.literal_eval(s.lstrip("u")) for s in re.findall(_STRING, args)]
            ctx, msgid = (
                (strings[0], strings[1])
                if function.startswith(("p", "np"))
                else (
                    None,
                    strings[0],
                )
            )
            seen += 1
            if (ctx, msgid) not in catalogue:
                missing.append(f"{path.relative_to(SOURCE_DIR)}: {msgid!r}")
    assert seen > 1000
    assert not missing, "Not in the French catalogue: run `make messages`.\n" + "\n".join(missing)


def test_french_typography():
    """A narrow no-break space before : ; ! ? and no-break spaces inside « », so that no line
    ever starts with a colon."""
    wrong = []
    for e in parse_po(PO_FILE)[1:]:
        for key in ("msgstr", "msgstr[0]", "msgstr[1]"):
            text = e.get(key) or ""
            if re.search(r"[ \u00a0][:;!?]|« | »", text):
                wrong.append(text)
    assert not wrong, "\n".join(wrong[:20])
