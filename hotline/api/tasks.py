"""The API's background job (run by `manage.py run_huey`)."""

from huey import crontab
from huey.contrib.djhuey import db_periodic_task

from . import idempotency


@db_periodic_task(crontab(minute="17"))
def forget_expired_idempotency_keys():
    """Hourly: idempotency keys older than KEEP_FOR go (a late retry with
    one of them acts again, as documented)."""
    return idempotency.forget_expired()
