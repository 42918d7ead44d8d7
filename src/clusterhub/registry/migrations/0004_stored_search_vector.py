from django.db import migrations

from clusterhub.core.search import StoreSearchVector


class Migration(migrations.Migration):
    dependencies = [("registry", "0003_declared_labels_and_confirmed_memberships")]

    operations = [StoreSearchVector("registry_organisation")]
