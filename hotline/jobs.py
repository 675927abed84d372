"""What the background jobs share."""

from django.conf import settings
from django.core.exceptions import ImproperlyConfigured
from huey.contrib.djhuey import HUEY

# Huey keys start-up hooks by name and a second hook of the same name
# silently replaces the first: the outbox's catch-up once never ran because
# the clocks' hook had its name. Ours are named by their full path.
_start_hooks: set[str] = set()


def run_alone(name: str):
    """A lock so that one worker at a time runs a scheduled job. On Redis it
    expires (a worker that dies holding it cannot block the job for long):
    settings.HUEY uses Huey's RedisExpireHuey, whose locks are plain keys
    with SET NX EX, which every Redis has (RedisHuey's need hash-field TTLs,
    Redis 7.4+, and fail on Debian 12's 7.0). Huey's SQLite storage has no
    expiry, and its single consumer clears its locks when it starts
    (settings.HUEY flush_locks)."""
    ttl = settings.HOTLINE_JOB_LOCK_SECONDS if settings.REDIS_URL else None
    return HUEY.lock_task(name, ttl=ttl)


def at_worker_start(hook):
    """Run `hook` each time a worker starts."""
    name = f"{hook.__module__}.{hook.__qualname__}"
    if name in _start_hooks:
        raise ImproperlyConfigured(f"two worker start-up hooks are named {name}")
    _start_hooks.add(name)
    return HUEY.on_startup(name)(hook)
