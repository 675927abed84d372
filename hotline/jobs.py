"""What the background jobs share."""

from django.conf import settings
from huey.contrib.djhuey import HUEY


def run_alone(name: str):
    """A lock so that one worker at a time runs a scheduled job. On Redis it
    expires (a worker that dies holding it cannot block the job for long);
    Huey's SQLite storage has no expiry, and its single consumer clears its
    locks when it starts (settings.HUEY flush_locks)."""
    return HUEY.lock_task(name, ttl=120 if settings.REDIS_URL else None)
