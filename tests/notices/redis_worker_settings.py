"""Settings of a ``run_redis_tasks`` worker started by the tests: like ``worker_settings``, with
django-tasks-redis as the tasks backend (the Redis URL and key prefix in the environment)."""

import os

from .worker_settings import *  # noqa: F403
from .worker_settings import INSTALLED_APPS

INSTALLED_APPS = [*INSTALLED_APPS, "django_tasks_redis"]
TASKS = {"default": {
    "BACKEND": "django_tasks_redis.backends.RedisTaskBackend",
    "OPTIONS": {"REDIS_URL": os.environ["NOTICES_REDIS_URL"],
                "REDIS_KEY_PREFIX": os.environ["NOTICES_REDIS_PREFIX"]},
}}
