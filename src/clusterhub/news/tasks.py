"""The newsletter's sending, run by the django-tasks worker (``manage.py db_worker`` in
production, at once in embedded mode)."""

from django_tasks import task

from . import sending
from .models import Issue


@task()
def send_issue(issue_id: int) -> dict:
    issue = Issue.objects.filter(pk=issue_id).first()
    if issue is None:
        return {}
    from django.conf import settings

    sending.recover(issue)  # what a stopped worker held for longer than the lease
    return sending.send_pending(issue, batch=settings.NEWS_SEND_BATCH,
                                rate=settings.NEWS_SEND_RATE or None)  # fmt: skip
