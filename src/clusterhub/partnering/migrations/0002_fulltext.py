from django.db import migrations

from clusterhub.core.search import CreateFullTextIndex


class Migration(migrations.Migration):
    dependencies = [("partnering", "0001_initial")]

    operations = [CreateFullTextIndex("partnering_opportunity")]
