"""Tasks for the tests of :mod:`clusterhub.core.jobs` (importable by a worker process)."""

from django_tasks import task

from clusterhub.core import jobs


def _flaky(job) -> None:
    """Fails with a reason until the attempt ``succeed_at`` (then reports its attempts)."""
    jobs.progress(job, 1, 2, "Halfway there")
    if job.attempts < job.arguments.get("succeed_at", 1):
        raise jobs.JobFailed(f"The mirror did not answer (attempt {job.attempts}).")
    jobs.finish(job, result={"attempts": job.attempts}, message="All done.")


def _broken(job) -> None:
    raise RuntimeError("disk full")


@task()
def flaky(job_id: int) -> None:
    jobs.perform(job_id, _flaky)


@task()
def broken(job_id: int) -> None:
    jobs.perform(job_id, _broken)
