import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from tests.registry.test_api import make_org, make_cluster, API
pytestmark = pytest.mark.django_db

def test_counts(client):
    for i in range(30):
        make_org(f"Org {i}", ecosystems=["digital"])
        make_cluster(f"Cl {i}", labels=[("ecei","gold")], ecosystems=["digital"])
    for url in ("/organisations", "/clusters", "/organisations?facets=true", "/clusters?facets=true&q=cl", "/clusters/cl-1/members", "/organisations/org-1"):
        with CaptureQueriesContext(connection) as c:
            r = client.get(API + url)
        print(url, r.status_code, len(c.captured_queries))
    with CaptureQueriesContext(connection) as c:
        r = client.get(API + "/clusters")
    for q in c.captured_queries: print(q["sql"][:300])
    print(r.json()["items"][0])
