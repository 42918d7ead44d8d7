"""gunicorn settings for Clusterhub: ``gunicorn -c deploy/gunicorn.conf.py clusterhub.wsgi``.

Every value comes from the environment (see deploy/clusterhub.env.example):
GUNICORN_BIND (default 127.0.0.1:8000; several addresses separated by commas),
WEB_CONCURRENCY (worker processes; default 2 × cores + 1), GUNICORN_THREADS (default 1),
GUNICORN_TIMEOUT (seconds a request may take, default 60), GUNICORN_MAX_REQUESTS (recycle a
worker after that many requests, default 2000), FORWARDED_ALLOW_IPS (the reverse proxy's
addresses, default 127.0.0.1), GUNICORN_CONTROL_SOCKET (gunicorn's control socket; off by
default). Access and error logs go to stdout/stderr (journald, docker).
"""

import multiprocessing
import os


def _int(name: str, default: int) -> int:
    value = os.environ.get(name, "").strip()
    return int(value) if value else default


bind = [a.strip() for a in os.environ.get("GUNICORN_BIND", "127.0.0.1:8000").split(",") if a]
workers = _int("WEB_CONCURRENCY", 2 * multiprocessing.cpu_count() + 1)
threads = _int("GUNICORN_THREADS", 1)
timeout = _int("GUNICORN_TIMEOUT", 60)
graceful_timeout = _int("GUNICORN_GRACEFUL_TIMEOUT", 30)
keepalive = _int("GUNICORN_KEEPALIVE", 5)
max_requests = _int("GUNICORN_MAX_REQUESTS", 2000)
max_requests_jitter = max_requests // 10
backlog = _int("GUNICORN_BACKLOG", 2048)
forwarded_allow_ips = os.environ.get("FORWARDED_ALLOW_IPS", "127.0.0.1")
worker_tmp_dir = os.environ.get("GUNICORN_WORKER_TMP_DIR") or (
    "/dev/shm" if os.path.isdir("/dev/shm") else None
)

# The control socket of recent gunicorn versions: off unless GUNICORN_CONTROL_SOCKET names its
# path, so that several servers on one machine never share $HOME/.gunicorn/gunicorn.ctl.
if os.environ.get("GUNICORN_CONTROL_SOCKET"):
    control_socket = os.environ["GUNICORN_CONTROL_SOCKET"]
else:
    control_socket_disable = True

accesslog = os.environ.get("GUNICORN_ACCESS_LOG", "-")
errorlog = "-"
loglevel = os.environ.get("GUNICORN_LOG_LEVEL", "info")
access_log_format = '%(h)s "%(r)s" %(s)s %(b)s %(M)sms "%(a)s"'
proc_name = "clusterhub-web"
