"""The audit trail: a write through a service leaves the entry a user would expect (who,
what, what changed) from the web, the API with a token, a job and a command; a deletion
keeps the last values; secrets are never stored; the staff admin lists the entries."""

import json

import pytest
from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import PermissionDenied
from django.urls import reverse

from clusterhub.core import audit
from clusterhub.core.models import ApiToken, AuditEntry
from clusterhub.registry import services
from clusterhub.registry.models import Organisation
from tests import factories

pytestmark = pytest.mark.django_db


def entries(action):
    return list(AuditEntry.objects.filter(action=action).order_by("id"))


def test_a_web_edit_records_who_and_the_changed_fields(client):
    user, org = factories.team_member(first_name="Ana", last_name="Lopes")
    org = Organisation.objects.get(pk=org.pk)
    AuditEntry.objects.all().delete()
    client.force_login(user)
    page = client.get(reverse("registry:organisation-edit", args=[org.slug]))
    form = page.context["form"]
    data = {k: v for k, v in form.initial.items() if v is not None and not isinstance(v, list)}
    data.update({"city": "Lyon", "legal_name": org.legal_name, "kind": org.kind})
    data["country"] = org.country_id
    response = client.post(reverse("registry:organisation-edit", args=[org.slug]), data)
    assert response.status_code == 302, response.content.decode()[:2000]
    [entry] = entries("registry.organisation.saved")
    assert entry.actor == user and entry.source == "web"
    assert entry.changes["city"] == ["", "Lyon"]
    assert entry.object_repr == str(org)


def test_an_api_patch_with_a_token_records_the_token_user():
    from django.test import Client

    user, org = factories.team_member()
    _token, raw = ApiToken.issue(user, "tests")
    AuditEntry.objects.all().delete()
    response = Client().patch(
        f"/api/v1/registry/organisations/{org.slug}",
        json.dumps({"city": "Lyon"}),
        content_type="application/json",
        headers={"Authorization": f"Bearer {raw}"},
    )
    assert response.status_code == 200, response.content
    [entry] = entries("registry.organisation.saved")
    assert entry.actor == user and entry.source == "api"
    assert entry.changes == {"city": ["", "Lyon"]}


def test_a_creation_lists_the_new_values_and_nested_writes_make_one_entry():
    user = factories.UserFactory()
    org = services.create_organisation_with_team(
        Organisation(legal_name="Pôle Test", kind="company", country_id="FR", city="Lyon"), user
    )
    [entry] = AuditEntry.objects.all()
    assert entry.action == "registry.organisation.created" and entry.actor == user
    assert entry.changes["legal_name"] == [None, "Pôle Test"]
    assert entry.changes["country"] == [None, {"id": "FR", "repr": str(org.country)}]
    assert (entry.scope_type, entry.scope_id) == (
        ContentType.objects.get_for_model(Organisation),
        str(org.pk),
    )


def test_an_unchanged_save_records_nothing_and_a_refused_write_nothing():
    org = factories.OrganisationFactory()
    AuditEntry.objects.all().delete()
    services.save_organisation(Organisation.objects.get(pk=org.pk))
    stranger = factories.UserFactory()
    with pytest.raises(PermissionDenied):
        services.delete_organisation(org, stranger)
    assert not AuditEntry.objects.exists()


def test_a_deletion_keeps_the_last_values_and_the_actor():
    staff = factories.UserFactory(staff=True, is_superuser=True)
    org = factories.OrganisationFactory(legal_name="Gone Ltd", city="Graz")
    pk = org.pk
    AuditEntry.objects.all().delete()
    services.delete_organisation(org, staff)
    [entry] = entries("registry.organisation.deleted")
    assert entry.actor == staff and entry.object_id == str(pk)
    assert entry.changes["legal_name"] == ["Gone Ltd", None]
    assert entry.changes["city"] == ["Graz", None]


def test_a_command_records_its_source_and_label():
    with audit.acting(label="import", source="command"):
        factories.OrganisationFactory(legal_name="By command")
    [entry] = entries("registry.organisation.saved")
    assert entry.actor is None and entry.actor_label == "import" and entry.source == "command"


def test_a_job_records_the_user_who_started_it():
    from clusterhub.core import jobs
    from clusterhub.core.models import Job

    user = factories.UserFactory()
    job = Job.objects.create(user=user, kind="test", label="test")

    def work(job):
        factories.OrganisationFactory(legal_name="By job")

    jobs.perform(job.pk, work)
    [entry] = entries("registry.organisation.saved")
    assert entry.actor == user and entry.source == "task"


def test_no_secret_is_stored():
    user = factories.UserFactory()
    token, raw = ApiToken.issue(user, "mine")
    stored = json.dumps(list(AuditEntry.objects.values("changes", "object_repr", "actor_label")))
    assert raw not in stored and token.digest not in stored


def test_a_deleted_user_leaves_an_anonymous_entry():
    user, org = factories.team_member()
    org.city = "Nantes"
    with audit.acting(user, source="web"):
        services.save_organisation(org)
    entry = entries("registry.organisation.saved")[-1]
    assert entry.actor == user and entry.actor_label == ""
    user.delete()
    entry.refresh_from_db()
    assert entry.actor is None and audit.actor_name(entry) == "Deleted user"
    assert entry.changes["city"] == ["", "Nantes"]


def test_staff_see_the_entries_in_the_admin(client):
    factories.OrganisationFactory(legal_name="Listed Ltd")
    client.force_login(factories.UserFactory(staff=True, is_superuser=True))
    page = client.get(reverse("admin:core_auditentry_changelist")).content.decode()
    assert "registry.organisation.saved" in page and "Listed Ltd" in page


def test_an_admin_deletion_is_recorded_with_the_admin_source(client):
    from clusterhub.partnering import services as partnering_services

    user, org = factories.team_member()
    consortium = factories.ConsortiumFactory(coordinator=org, user=user)
    item = partnering_services.add_checklist_item(consortium, "Budget table", user)
    staff = factories.UserFactory(staff=True, is_superuser=True)
    client.force_login(staff)
    response = client.post(
        reverse("admin:partnering_checklistitem_delete", args=[item.pk]), {"post": "yes"}
    )
    assert response.status_code == 302
    [entry] = entries("partnering.checklistitem.deleted")
    assert entry.actor == staff and entry.source == "admin"
    assert entry.changes["text"] == ["Budget table", None]
    assert entry in audit.history_for(consortium)
