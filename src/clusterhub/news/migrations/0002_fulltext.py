from django.db import migrations

from clusterhub.core.search import CreateFullTextIndex, StoreSearchVector


class Migration(migrations.Migration):
    dependencies = [("news", "0001_initial")]

    operations = [CreateFullTextIndex("news_article"), StoreSearchVector("news_article")]
