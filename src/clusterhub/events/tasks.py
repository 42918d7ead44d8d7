from django_tasks import task


@task()
def send_registration_email(registration_pk: int, kind: str) -> None:
    """Placeholder: being written."""
