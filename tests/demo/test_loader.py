import importlib.util
import re
from io import StringIO

import pytest
from allauth.account.models import EmailAddress
from django.contrib.auth import get_user_model
from django.core.management import call_command

from clusterhub.demo import loader as demo
from clusterhub.demo import registry_data as demo_data
from clusterhub.registry.models import (
    ClusterLabel,
    ClusterOrganisation,
    Membership,
    Organisation,
    Participation,
    Person,
    ProfileTeamMember,
    Project,
)

pytestmark = pytest.mark.django_db

LOGIN = re.compile(r"^Profile team demo login: (\S+) / (\S+)$", re.MULTILINE)
HAS_IMPORTER = importlib.util.find_spec("clusterhub.registry.imports") is not None


@pytest.fixture(autouse=True)
def var_dir(settings, tmp_path):
    settings.VAR_DIR = tmp_path / "var"
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    return settings.VAR_DIR


def run(*args: str) -> str:
    out = StringIO()
    call_command("load_demo", *args, stdout=out)
    return out.getvalue()


def counts() -> dict[str, int]:
    models = (
        Organisation,
        ClusterOrganisation,
        ClusterLabel,
        Membership,
        Person,
        ProfileTeamMember,
        Project,
        Participation,
        get_user_model(),
        EmailAddress,
    )
    return {model.__name__: model.objects.count() for model in models}


def test_a_second_run_changes_nothing():
    first_output = run("--without-history")
    first = counts()
    second_output = run("--without-history")

    assert counts() == first
    assert first["Organisation"] == len(demo_data.ORGANISATIONS)
    assert first["ClusterOrganisation"] == len(demo_data.PROFILES)
    assert first["Person"] == len(demo_data.PEOPLE)
    assert first["ProfileTeamMember"] == 1
    assert "nothing to change" in second_output
    assert LOGIN.search(first_output).groups() == LOGIN.search(second_output).groups()


def test_polymeris_is_placed_in_its_region_and_validated():
    run("--without-history")

    polymeris = Organisation.objects.get(slug="polymeris")
    assert polymeris.kind == "cluster"
    assert polymeris.country_id == "FR"
    assert re.fullmatch(r"FRK2\d", polymeris.nuts_region_id)  # Auvergne-Rhône-Alpes
    profile = polymeris.cluster_profile
    assert profile.is_validated
    assert profile.missing_criteria() == []
    assert profile.founding_year == 2021
    assert profile.labels.filter(scheme="pole", level="labelled").exists()
    assert polymeris.ecosystems.exists() and polymeris.technologies.exists()


def test_an_incomplete_profile_says_what_is_missing():
    run("--without-history")

    plastival = ClusterOrganisation.objects.get(organisation__slug="plastival")
    assert not plastival.is_validated
    missing = " ".join(str(reason) for reason in plastival.missing_criteria())
    assert "members" in missing
    assert "website" in missing


def test_merged_poles_are_kept_and_say_so():
    run("--without-history")

    for slug in ("plastipolis", "elastopole"):
        org = Organisation.objects.get(slug=slug)
        assert org.kind == "cluster"
        assert "Polymeris in 2021" in org.description


def test_consent_is_recorded_for_speakers_and_absent_for_the_others():
    run("--without-history")

    speaker = Person.objects.get(first_name="Hervé", last_name="Floch")
    assert speaker.public_consent and speaker.public_consent_at is not None
    assert speaker.organisation.slug == "alpha-rlh"
    without = Person.objects.filter(public_consent=False)
    assert without.exists()
    assert not without.filter(public_consent_at__isnull=False).exists()
    assert all(
        email.endswith("@example.org") for email in Person.objects.values_list("email", flat=True)
    )


def test_consent_withdrawn_in_the_demo_survives_a_refresh():
    run("--without-history")
    speaker = Person.objects.get(first_name="Pauline", last_name="Capus")
    speaker.public_consent, speaker.public_consent_at = False, None
    speaker.save()

    run("--without-history", "--refresh")

    speaker.refresh_from_db()
    assert not speaker.public_consent


def test_the_profile_team_can_log_in_with_the_printed_password(client, var_dir):
    email, password = LOGIN.search(run("--without-history")).groups()

    assert email == demo_data.TEAM_EMAIL
    assert (var_dir / demo.PASSWORD_FILE).read_text().strip() == password
    user = get_user_model().objects.get(email=email)
    assert EmailAddress.objects.filter(user=user, email=email, verified=True).exists()
    assert ProfileTeamMember.objects.filter(user=user, organisation__slug="polymeris").exists()
    assert user.has_perm("registry.change_organisation", Organisation.objects.get(slug="polymeris"))
    assert client.login(username=email, password=password)


@pytest.mark.skipif(not HAS_IMPORTER, reason="the CORDIS importer is not installed")
def test_the_cordis_sample_is_imported_once_and_joins_the_demo_organisations():
    output = run()
    first = counts()

    assert first["Project"] >= 602
    assert "imported" in output
    # A demo organisation with a PIC from the sample is one record, with its projects.
    valley = Organisation.objects.get(pic="999964271")
    assert valley.slug == "aerospace-valley"
    assert valley.legal_name == "Aerospace Valley"
    assert valley.cluster_profile.is_validated
    assert valley.participations.exists()
    assert Membership.objects.filter(
        cluster__organisation__slug="polymeris", member__pic="996699251"
    ).exists()

    assert "already loaded" in run()
    assert counts() == first


@pytest.mark.skipif(not HAS_IMPORTER, reason="the CORDIS importer is not installed")
def test_the_h2020_network_loads_once_and_feeds_the_recommender():
    from clusterhub.partnering import recommendations

    out = run("--without-history", "--network")
    assert "imported the H2020 network (20073 projects, 91334 participations)" in out
    assert Project.objects.filter(cordis_id__startswith="rcn:").count() == 20073
    recommendations.forget()
    index = recommendations.recommender()
    assert index.n == Organisation.objects.count() and len(index.projects) == 20073
    assert index.reference_year == 2018 and "SC5" in index.programmes
    assert "the H2020 network is already loaded" in run("--without-history", "--network")
    recommendations.forget()
