"""gunicorn settings for one app server (`gunicorn zhifa.wsgi -c deploy/gunicorn.conf.py`)."""

import multiprocessing
import os

bind = os.environ.get("ZHIFA_BIND", "127.0.0.1:8000")
workers = int(os.environ.get("WEB_CONCURRENCY", multiprocessing.cpu_count() * 2 + 1))
threads = int(os.environ.get("ZHIFA_THREADS", 2))
timeout = 60  # long work runs on the Celery worker, never in a request
graceful_timeout = 30
max_requests = 2000  # recycle workers now and then
max_requests_jitter = 200
accesslog = "-"
forwarded_allow_ips = os.environ.get("ZHIFA_TRUSTED_PROXIES", "127.0.0.1")
