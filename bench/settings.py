"""Settings for benchmark servers: production settings plus constant-answer baseline views."""

from config.settings import *  # noqa: F403

ROOT_URLCONF = "bench.urls"
