from django.db import migrations

from clusterhub.core.search import CreateFullTextIndex


class Migration(migrations.Migration):
    dependencies = [("registry", "0001_initial")]

    operations = [CreateFullTextIndex("registry_organisation")]
