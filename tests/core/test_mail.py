from django.core import mail as outbox

from clusterhub.core import mail

TEMPLATES = {
    "t/email/hello.txt": "{% load i18n %}\n{% trans 'Cancel' %}, {{ name }}\n\n",
    "t/email/hello_subject.txt": "Hello\n  {{ name }}\n",
    "t/email/hello.html": "<p>Hello {{ name }}</p>",
    "t/email/plain.txt": "Plain {{ name }}",
}


def use_templates(settings):
    settings.TEMPLATES = [
        {
            "BACKEND": "django.template.backends.django.DjangoTemplates",
            "OPTIONS": {"loaders": [("django.template.loaders.locmem.Loader", TEMPLATES)]},
        }
    ]


def test_renders_subject_text_and_html_in_the_recipients_language(settings):
    use_templates(settings)
    sent = mail.send(
        [
            mail.Email(to=["ana@example.org"], template="t/email/hello", context={"name": "Ana"}),
            mail.Email(
                to="luc@example.org",
                template="t/email/hello",
                context={"name": "Luc"},
                language="fr",
            ),
        ]
    )

    assert sent == 2
    ana, luc = outbox.outbox
    assert ana.to == ["ana@example.org"] and ana.subject == "Hello Ana"
    assert ana.body == "Cancel, Ana\n"
    assert ana.alternatives[0].content == "<p>Hello Ana</p>"
    assert luc.to == ["luc@example.org"] and luc.body == "Annuler, Luc\n"


def test_a_given_subject_no_html_and_no_recipient(settings):
    use_templates(settings)
    emails = [
        mail.Email(to=["a@example.org"], template="t/email/plain", subject="Hi", context={}),
        mail.Email(to=["", None], template="t/email/plain"),
    ]
    assert mail.send(emails) == 1
    (message,) = outbox.outbox
    assert message.subject == "Hi" and message.body == "Plain\n"
    assert message.alternatives == []
    assert mail.send([]) == 0
