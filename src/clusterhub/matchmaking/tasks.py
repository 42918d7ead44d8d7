from django_tasks import task


@task()
def notify(kind: str, ids: dict) -> None:
    """E-mails for requests, answers, expiries and agenda changes (see notifications.py)."""
    from .notifications import send

    send(kind, ids)
