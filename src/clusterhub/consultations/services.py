"""Every write of the consultations app: answering (drafts, submission, changes until the
close), the participation ledger, the tallies, statements and votes, themes.

One answer per person without a link from the answer to the person:
- who answers is an ``Identity``: a signed-in user with a verified address, or an address
  checked by a one-time link; the ledger (``Participation``) keeps the user or the keyed hash
  of the address, never the response;
- the response is reached only through its key (random, given to its author in a signed
  cookie and in the confirmation e-mail; the database keeps its hash);
- the ledger row and the submitted response are written in one transaction: a second
  submission by the same person violates the ledger's unique constraint and nothing of it
  is kept.
"""

from __future__ import annotations

import hashlib
import hmac
import secrets
from collections import Counter
from dataclasses import dataclass

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.db.models import F
from django.utils import timezone
from django.utils.translation import gettext as _

from clusterhub.core import audit

from . import questionnaire
from .models import (
    Answer,
    Audience,
    Consultation,
    Invitation,
    Participation,
    Phase,
    Publication,
    Question,
    Response,
    StakeholderType,
    Statement,
    StatementVote,
    Tally,
    Theme,
)

PROFILE = "profile"


@dataclass(frozen=True)
class Identity:
    """Who answers: an address that was checked (and the user, when signed in)."""

    address: str
    user: object | None = None


def _keyed(text: str) -> str:
    return hmac.new(settings.SECRET_KEY.encode(), text.encode(), hashlib.sha256).hexdigest()


def address_hash(address: str) -> str:
    return _keyed("consultation-address:" + address.strip().casefold())


def key_hash(key: str) -> str:
    return hashlib.sha256(key.encode()).hexdigest()


def voter(consultation: Consultation, identity: Identity) -> str:
    return _keyed(f"consultation-voter:{consultation.pk}:{identity.address.strip().casefold()}")


def is_open(consultation: Consultation, now=None) -> bool:
    now = now or timezone.now()
    return (
        consultation.phase == Phase.OPEN
        and (consultation.opens_at is None or consultation.opens_at <= now)
        and now <= consultation.closes_at
    )


def _require_open(consultation: Consultation) -> None:
    if not is_open(consultation):
        raise ValidationError(_("This consultation is not open for answers."))


def has_answered(consultation: Consultation, identity: Identity) -> bool:
    ledger = Participation.objects.filter(consultation=consultation)
    if identity.user is not None and ledger.filter(user=identity.user).exists():
        return True
    return ledger.filter(address_hash=address_hash(identity.address)).exists()


def may_answer(consultation: Consultation, identity: Identity) -> None:
    if consultation.audience == Audience.SIGNED_IN and identity.user is None:
        raise PermissionDenied(_("This consultation is for signed-in users."))
    if (
        consultation.audience == Audience.INVITED
        and not Invitation.objects.filter(
            consultation=consultation, address_hash=address_hash(identity.address)
        ).exists()
    ):
        raise PermissionDenied(_("This consultation is for the people invited to it."))


def start(consultation: Consultation, identity: Identity) -> tuple[Response, str]:
    """A draft response and its key (to give to its author, and to nobody else)."""
    _require_open(consultation)
    may_answer(consultation, identity)
    if has_answered(consultation, identity):
        raise ValidationError(
            _("You have already answered. To change your answer, use the link we e-mailed you.")
        )
    key = secrets.token_urlsafe(24)
    response = Response.objects.create(consultation=consultation, key_hash=key_hash(key))
    return response, key


def response_for(consultation: Consultation, key: str | None) -> Response | None:
    if not key:
        return None
    return Response.objects.filter(consultation=consultation, key_hash=key_hash(key)).first()


def current_questions(consultation: Consultation) -> list[Question]:
    return list(consultation.questions.filter(retired=False).select_related("section"))


def clean_profile(data: dict, *, final: bool) -> tuple[dict, dict[str, str]]:
    import pycountry

    profile, errors = {}, {}
    stype = (data.get("stakeholder_type") or "").strip()
    if stype and stype not in StakeholderType.values:
        errors["stakeholder_type"] = _("Choose a stakeholder type from the list.")
    elif final and not stype:
        errors["stakeholder_type"] = _("Say which kind of stakeholder you are.")
    profile["stakeholder_type"] = stype
    country = (data.get("country") or "").strip().upper()
    if country and pycountry.countries.get(alpha_2=country) is None:
        errors["country"] = _("Choose a country from the list.")
    profile["country"] = country
    profile["region"] = (data.get("region") or "").strip().upper()[:5]
    publication = data.get("publication") or Publication.ANONYMOUS
    if publication not in Publication.values:
        errors["publication"] = _("Choose how your answer may be published.")
    profile["publication"] = publication
    name = (data.get("name") or "").strip()[:200]
    if publication == Publication.NAMED and final and not name:
        errors["name"] = _("Give the name to publish, or choose another publication.")
    profile["name"] = name if publication == Publication.NAMED else ""
    profile["on_behalf"] = bool(data.get("on_behalf"))
    profile["organisation_name"] = (data.get("organisation_name") or "").strip()[:300]
    profile["organisation"] = _registry_organisation(profile["organisation_name"])
    if profile["on_behalf"] and final and not profile["organisation_name"]:
        errors["organisation_name"] = _("Name the organisation you answer for.")
    return profile, errors


def _registry_organisation(name: str):
    """The registry's organisation of that exact name (legal or short), when there is one."""
    from django.db.models import Q

    from clusterhub.registry.models import Organisation

    if not name:
        return None
    found = list(
        Organisation.objects.filter(Q(legal_name__iexact=name) | Q(short_name__iexact=name))[:2]
    )
    return found[0] if len(found) == 1 else None


def _profile_keys(response: Response) -> list[str]:
    keys = ["respondents"]
    if response.country:
        keys.append(f"country:{response.country}")
    if response.region:
        keys.append(f"region:{response.region}")
    keys.append("behalf:organisation" if response.on_behalf else "behalf:individual")
    keys.append(f"publication:{response.publication}")
    return keys


def _contributions(response: Response) -> Counter:
    """(scope, key, stakeholder type) → 1 for everything a submitted response counts for."""
    stype = response.stakeholder_type
    counts: Counter = Counter()
    for key in _profile_keys(response):
        counts[(PROFILE, key, stype)] += 1
    for answer in response.answers.select_related("question"):
        spec = answer.question.as_spec()
        counts[(str(answer.question_id), "answered", stype)] += 1
        for key in questionnaire.counted(spec, answer.value):
            counts[(str(answer.question_id), key, stype)] += 1
    return counts


def _apply(consultation: Consultation, counts: Counter, sign: int) -> None:
    for (scope, key, stype), n in counts.items():
        delta = sign * n
        rows = Tally.objects.filter(consultation=consultation, scope=scope, key=key,
                                    stakeholder_type=stype)  # fmt: skip
        if rows.update(count=F("count") + delta):
            continue
        try:
            with transaction.atomic():
                Tally.objects.create(consultation=consultation, scope=scope, key=key,
                                     stakeholder_type=stype, count=delta)  # fmt: skip
        except IntegrityError:  # created meanwhile by another answer
            rows.update(count=F("count") + delta)


def save(
    response: Response, *, answers: dict, profile: dict, submit: bool = False,
    identity: Identity | None = None,
) -> questionnaire.Cleaned:  # fmt: skip
    """Save a draft (what is valid is kept, the rest reported) or submit (everything must be
    valid; nothing is written otherwise). A first submission needs the ``identity`` for the
    ledger; later ones change the answer until the close."""
    consultation = response.consultation
    _require_open(consultation)
    questions = current_questions(consultation)
    specs = [q.as_spec() for q in questions]
    cleaned = questionnaire.clean(specs, answers, final=submit)
    clean_profile_values, profile_errors = clean_profile(profile, final=submit)
    if submit and (not cleaned.ok or profile_errors):
        errors: dict[str, list[str]] = {}
        for problem in cleaned.problems:
            errors.setdefault(problem.key, []).append(problem.sentence(_))
        for field, message in profile_errors.items():
            errors.setdefault(field, []).append(message)
        raise ValidationError(errors)
    by_key = {q.key: q for q in questions}
    with transaction.atomic():
        locked = Response.objects.select_for_update().get(pk=response.pk)
        was_submitted = locked.submitted
        if was_submitted:
            _apply(consultation, _contributions(locked), -1)
        for field, value in clean_profile_values.items():
            if field not in profile_errors:
                setattr(locked, field, value)
        if locked.publication != Publication.NAMED:
            locked.name = ""
        locked.answers.all().delete()
        Answer.objects.bulk_create(
            Answer(response=locked, question=by_key[key], value=value,
                   text=value.get("text") or value.get("other") or "")
            for key, value in cleaned.values.items()
        )  # fmt: skip
        if submit and not was_submitted:
            if identity is None:
                raise PermissionDenied(_("Say who answers before submitting."))
            may_answer(consultation, identity)
            try:
                with transaction.atomic():
                    Participation.objects.create(
                        consultation=consultation, user=identity.user,
                        address_hash=address_hash(identity.address),
                    )  # fmt: skip
            except IntegrityError:
                raise ValidationError(_("You have already answered this consultation.")) from None
        if submit or was_submitted:
            locked.submitted = True
            locked.day = timezone.localdate()
        locked.save()
        if locked.submitted:
            _apply(consultation, _contributions(locked), +1)
    response.refresh_from_db()
    return cleaned


# Statements ------------------------------------------------------------------------------------


def add_statement(consultation: Consultation, identity: Identity, text: str) -> Statement:
    _require_open(consultation)
    if not consultation.statements:
        raise PermissionDenied(_("This consultation takes no statements."))
    may_answer(consultation, identity)
    text = " ".join(text.split())
    if not 10 <= len(text) <= 300:
        raise ValidationError({"text": [_("A statement has 10 to 300 characters.")]})
    if consultation.statement_set.filter(text__iexact=text).exists():
        raise ValidationError({"text": [_("This statement is already there: vote on it.")]})
    return Statement.objects.create(consultation=consultation, text=text)


def vote(statement: Statement, identity: Identity, value: int) -> StatementVote:
    consultation = statement.consultation
    _require_open(consultation)
    may_answer(consultation, identity)
    if value not in (-1, 0, 1):
        raise ValidationError({"value": [_("Agree, disagree or pass.")]})
    made, _new = StatementVote.objects.update_or_create(
        statement=statement, voter=voter(consultation, identity), defaults={"value": value}
    )
    return made


# Themes ----------------------------------------------------------------------------------------


def find_campaigns(question: Question) -> dict:
    from .selectors import find_campaigns as finder

    found = finder(question)
    Question.objects.filter(pk=question.pk).update(campaigns=found)
    question.campaigns = found
    return found


def find_themes(question: Question, by, max_themes: int = 10) -> list[Theme]:
    """Group the question's free-text answers (submitted, current version) into themes,
    replacing the themes found before."""
    from . import themes as extraction

    require_organiser(by, question.consultation)
    answers = list(
        Answer.objects.filter(question=question, response__submitted=True)
        .exclude(text="")
        .order_by("pk")
    )
    if len(answers) < 4:
        raise ValidationError(_("Themes need at least four answers."))
    found = extraction.extract([a.text for a in answers], max_themes=max_themes)
    with transaction.atomic():
        question.themes.all().delete()
        made = []
        for order, theme in enumerate(found.themes):
            row = Theme.objects.create(question=question, order=order, terms=theme.terms,
                                       label=", ".join(theme.terms[:3]) or _("Theme"),
                                       quotes=[answers[i].pk for i in theme.quotes])  # fmt: skip
            row.answers.set([answers[i] for i in theme.members])
            made.append(row)
        audit.record("consultations.find_themes", question.consultation,
                     changes={"question": question.key, "themes": len(made)}, by=by)  # fmt: skip
    return made


def rename_theme(theme: Theme, by, label: str) -> Theme:
    require_organiser(by, theme.question.consultation)
    label = label.strip()
    if not label:
        raise ValidationError({"label": [_("Give the theme a name.")]})
    theme.label = label[:200]
    theme.save(update_fields=["label"])
    return theme


def merge_themes(keep: Theme, other: Theme, by) -> Theme:
    require_organiser(by, keep.question.consultation)
    if keep.question_id != other.question_id or keep.pk == other.pk:
        raise ValidationError(_("Merge two themes of the same question."))
    with transaction.atomic():
        keep.answers.add(*other.answers.all())
        keep.terms = list(dict.fromkeys([*keep.terms, *other.terms]))[:10]
        keep.save(update_fields=["terms"])
        other.delete()
    return keep


def move_answer(answer: Answer, theme: Theme, by) -> None:
    require_organiser(by, theme.question.consultation)
    if answer.question_id != theme.question_id:
        raise ValidationError(_("This answer belongs to another question."))
    with transaction.atomic():
        for old in answer.themes.all():
            old.answers.remove(answer)
        theme.answers.add(answer)


def split_theme(theme: Theme, by, answers: list[Answer], label: str) -> Theme:
    """A new theme from some answers of ``theme``."""
    require_organiser(by, theme.question.consultation)
    chosen = [a for a in answers if theme.answers.filter(pk=a.pk).exists()]
    if not chosen:
        raise ValidationError(_("Choose answers of this theme to split off."))
    with transaction.atomic():
        new = Theme.objects.create(question=theme.question, label=label.strip()[:200] or _("Theme"),
                                   order=theme.question.themes.count())  # fmt: skip
        theme.answers.remove(*chosen)
        new.answers.add(*chosen)
    return new


def require_organiser(user, consultation: Consultation) -> None:
    from clusterhub.registry.models import ProfileTeamMember

    if not (
        user
        and user.is_authenticated
        and (
            user.is_staff
            or ProfileTeamMember.objects.filter(user=user,
                                                organisation_id=consultation.organiser_id).exists()
        )
    ):  # fmt: skip
        raise PermissionDenied(_("Only the organisers of the consultation may do this."))


def rebuild_tallies(consultation: Consultation) -> int:
    """Count every submitted response again (after a bulk import, or to repair); one pass over
    the answers. Returns the number of tallies."""
    counts: Counter = Counter()
    types = dict(
        Response.objects.filter(consultation=consultation, submitted=True).values_list(
            "pk", "stakeholder_type"
        )
    )
    for response in Response.objects.filter(consultation=consultation, submitted=True).only(
        "stakeholder_type", "country", "region", "on_behalf", "publication"
    ):
        for key in _profile_keys(response):
            counts[(PROFILE, key, response.stakeholder_type)] += 1
    specs = {q.pk: q.as_spec() for q in consultation.questions.all()}
    for response_id, question_id, value in (
        Answer.objects.filter(response__consultation=consultation, response__submitted=True)
        .values_list("response_id", "question_id", "value")
        .iterator(chunk_size=5000)
    ):
        stype = types[response_id]
        counts[(str(question_id), "answered", stype)] += 1
        for key in questionnaire.counted(specs[question_id], value):
            counts[(str(question_id), key, stype)] += 1
    with transaction.atomic():
        Tally.objects.filter(consultation=consultation).delete()
        Tally.objects.bulk_create(
            (Tally(consultation=consultation, scope=scope, key=key, stakeholder_type=stype,
                   count=n) for (scope, key, stype), n in counts.items()),
            batch_size=2000,
        )  # fmt: skip
    return len(counts)


# The questionnaire -------------------------------------------------------------------------


QUESTION_FIELDS = ("key", "label", "help", "kind", "required", "section_id", "allow_other", "low",
                   "high", "max_length", "minimum", "maximum", "show_if_key", "options", "rows",
                   "scale_labels", "show_if_answers")  # fmt: skip


def save_consultation(form, sections, questions, by) -> Consultation:
    """Save a consultation with its sections and questions, all or nothing. A question that
    has answers is never changed: a change retires it (its answers stay with it) and makes a
    new version; a deleted one with answers is retired."""
    from clusterhub.core.slugs import unique_slug

    consultation = form.save(commit=False)
    require_organiser(by, consultation)
    with transaction.atomic():
        if not consultation.slug:
            consultation.slug = unique_slug(consultation.title, Consultation.objects.all(),
                                            fallback="consultation")  # fmt: skip
        consultation.save()
        sections.instance = consultation
        sections.save()
        versions = 0
        for order, qform in enumerate(questions.forms):
            if not hasattr(qform, "cleaned_data") or not qform.cleaned_data:
                continue
            stored = Question.objects.filter(pk=qform.instance.pk).first() if qform.instance.pk \
                else None  # fmt: skip
            answered = stored is not None and stored.answers.exists()
            if qform.cleaned_data.get("DELETE"):
                if stored is None:
                    continue
                if answered:
                    Question.objects.filter(pk=stored.pk).update(retired=True)
                else:
                    stored.delete()
                continue
            target = qform.apply(stored or Question(consultation=consultation))
            target.order = order
            if answered:
                before = Question.objects.get(pk=stored.pk)
                if any(getattr(before, f) != getattr(target, f) for f in QUESTION_FIELDS):
                    Question.objects.filter(pk=stored.pk).update(retired=True)
                    target.pk = None
                    target.version = before.version + 1
                    versions += 1
            target.consultation = consultation
            target.retired = False
            target.save()
        audit.record("consultations.save", consultation, by=by,
                     changes={"new_versions": versions})  # fmt: skip
    return consultation


def invite(consultation: Consultation, addresses: list[str], by) -> int:
    """Add addresses to the invited list (kept as keyed hashes); returns how many are new."""
    require_organiser(by, consultation)
    bad = [a for a in addresses if "@" not in a or len(a) > 254]
    if bad:
        raise ValidationError({"addresses": [_("Not an e-mail address: %(address)s")
                                             % {"address": bad[0]}]})  # fmt: skip
    new = 0
    with transaction.atomic():
        for address in addresses:
            _row, created = Invitation.objects.get_or_create(
                consultation=consultation, address_hash=address_hash(address)
            )
            new += created
    return new
