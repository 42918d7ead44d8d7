"""What a page's query count counts: its own work. When the cache is the database, the shared
cache's table (rate limits, cached fragments, the worker's heartbeat) answers queries too; those
and the savepoints around them are left out."""

CACHE_TABLE = "clusterhub_cache"


def own_queries(captured: list[dict]) -> list[dict]:
    return [
        q
        for q in captured
        if CACHE_TABLE not in q["sql"] and not q["sql"].startswith(("SAVEPOINT", "RELEASE"))
    ]
