from django.db import models
from django.utils.translation import gettext_lazy as _


class JobStatus(models.Model):
    """What the background worker last did with one job: written by the
    worker itself (hotline.health.recording), read by /healthz and shown to
    administrators, so a job that fails or stops running is seen."""

    name = models.CharField(_("job"), max_length=200, unique=True)
    periodic = models.BooleanField(_("scheduled"), default=False)
    # When a worker first knew this job: a daily job is not late for a day
    # that began before the system was installed.
    registered_at = models.DateTimeField(_("known since"))
    last_started_at = models.DateTimeField(_("last started"), null=True, blank=True)
    last_succeeded_at = models.DateTimeField(_("last succeeded"), null=True, blank=True)
    last_failed_at = models.DateTimeField(_("last failed"), null=True, blank=True)
    last_error = models.TextField(_("last error"), blank=True)
    failures = models.PositiveIntegerField(_("failures"), default=0)
    failures_in_a_row = models.PositiveIntegerField(_("failures in a row"), default=0)

    class Meta:
        ordering = ["name"]
        verbose_name = _("background job")
        verbose_name_plural = _("background jobs")

    def __str__(self):
        return self.name
