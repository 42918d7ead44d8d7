from django.db import migrations

from clusterhub.core.search import StoreSearchVector


class Migration(migrations.Migration):
    dependencies = [("partnering", "0004_opportunity_contact_email_by_choice")]

    operations = [StoreSearchVector("partnering_opportunity")]
