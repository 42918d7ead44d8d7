"""Application forms: the organiser's questions, what an application sees, answers checked."""

import io
import zipfile
from decimal import Decimal

from clusterhub.calls.questions import Question, Upload, check_form, clean, sniff, visible

PDF = b"%PDF-1.7\n1 0 obj\n<<>>\nendobj\n%%EOF\n"


def docx() -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("[Content_Types].xml", "<Types/>")
        archive.writestr("word/document.xml", "<document/>")
    return buffer.getvalue()


FORM = [
    Question("title", "Title of the initiative", "text", required=True, max_length=80),
    Question("summary", "Summary", "long_text", required=True, max_length=500),
    Question("started", "Start date", "date", required=True),
    Question("partners", "Number of partners", "number", minimum=Decimal(1)),
    Question("budget", "Budget", "amount", currency="EUR", maximum=Decimal("5000000")),
    Question("eu_funded", "Funded by the EU?", "yes_no", required=True),
    Question("programme", "Which programme?", "choice", required=True,
             choices=("Horizon Europe", "Interreg", "COSME"), show_if=("eu_funded", ("yes",))),
    Question("support", "Letter of support from the region", "file", required=True,
             file_types=("pdf", "docx"), max_bytes=1024 * 1024, category="host"),
]  # fmt: skip


def test_a_well_built_form_has_no_problem_and_a_bad_one_names_each():
    assert check_form(FORM) == []
    bad = [
        Question("Title", "Title"),
        Question("title2", "Choose", "choice", choices=("only one",)),
        Question("title2", "Again"),
        Question("cost", "Cost", "amount", currency="euro", minimum=Decimal(5), maximum=Decimal(1)),
        Question("later", "Later", show_if=("nowhere", ("yes",))),
        Question("flag", "Flag", "yes_no"),
        Question("odd", "Odd", show_if=("flag", ("maybe",))),
        Question("cv", "CV", "file", file_types=("exe",)),
    ]
    messages = [p.sentence() for p in check_form(bad)]
    assert messages == [
        "“Title”: its key must start with a letter and hold only lower-case letters, digits "
        "and _ (40 at most).",
        "“Choose”: a choice needs at least two different options.",
        "“Again”: another question has the same key.",
        "“Cost”: the minimum is above the maximum.",
        "“Cost”: the currency must be a three-letter code such as EUR.",
        "“Later” depends on a question that does not come before it.",
        "“Odd” depends on an answer that “Flag” does not offer.",
        "“CV”: the file types must be among pdf, docx, xlsx, pptx, odt, png, jpeg.",
    ]


def test_conditional_and_category_questions_are_shown_only_when_they_apply():
    keys = [q.key for q in visible(FORM, {"eu_funded": "no"})]
    assert "programme" not in keys and "support" not in keys
    keys = [q.key for q in visible(FORM, {"eu_funded": "yes"}, category="host")]
    assert keys[-2:] == ["programme", "support"]


def test_a_draft_keeps_what_it_can_and_a_submission_needs_everything():
    answers = {"title": "Plastics without borders", "eu_funded": "oui", "budget": "12 500,50 €"}
    draft = clean(FORM, answers)
    assert draft.ok
    assert draft.values == {
        "title": "Plastics without borders",
        "eu_funded": True,
        "budget": {"amount": "12500.50", "currency": "EUR"},
    }
    final = clean(FORM, answers, final=True)
    assert [p.sentence() for p in final.problems] == [
        "“Summary” needs an answer.",
        "“Start date” needs an answer.",
        "“Which programme?” needs an answer.",
    ]


def test_wrong_answers_are_named_with_their_question():
    answers = {
        "title": "x" * 81,
        "summary": "ok",
        "started": "14/09/2023",
        "partners": "0",
        "budget": "1.005",
        "eu_funded": "perhaps",
    }
    result = clean(FORM, answers)
    assert [p.sentence() for p in result.problems] == [
        "“Title of the initiative” takes at most 80 characters (81 given).",
        "“Start date”: give a date as YYYY-MM-DD (14/09/2023 given).",
        "“Number of partners” must be at least 1.",
        "“Budget”: an amount has at most two decimals.",
        "“Funded by the EU?”: answer yes or no.",
    ]
    assert result.values == {"summary": "ok"}
    assert clean(FORM, {"eu_funded": "yes", "programme": "FP7"}).for_question("programme")


def test_files_are_recognised_by_their_bytes_and_their_size():
    form, answers = FORM, {"eu_funded": "no"}
    letter = clean(form, answers, category="host", files={"support": Upload("letter.pdf", PDF)})
    assert letter.values["support"] == {"name": "letter.pdf", "type": "pdf", "size": len(PDF)}
    word = clean(form, answers, category="host", files={"support": Upload("letter", docx())})
    assert word.values["support"]["type"] == "docx"
    fake = clean(form, answers, category="host",
                 files={"support": Upload("letter.pdf", b"MZ\x90\x00 not a pdf")})  # fmt: skip
    assert fake.problems[0].sentence() == (
        "“Letter of support from the region”: letter.pdf is not a file of the types accepted "
        "(PDF, Word (DOCX))."
    )
    big = clean(form, answers, category="host",
                files={"support": Upload("big.pdf", PDF + b"0" * 1024 * 1024)})  # fmt: skip
    assert (
        big.problems[0]
        .sentence()
        .endswith(
            f"the file big.pdf is {len(PDF) + 1024 * 1024:,} bytes; the limit is 1,048,576 bytes."
        )
    )
    assert sniff(b"PK\x03\x04 broken zip") is None
    missing = clean(form, {"eu_funded": "no"}, category="host", final=True)
    assert "“Letter of support from the region” needs a file." in [
        p.sentence() for p in missing.problems
    ]
