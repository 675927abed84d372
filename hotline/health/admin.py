from django.contrib import admin

from hotline.adminsite import ViewOnlyAdmin

from .models import JobStatus


@admin.register(JobStatus)
class JobStatusAdmin(ViewOnlyAdmin):
    list_display = [
        "name",
        "periodic",
        "last_succeeded_at",
        "last_failed_at",
        "failures_in_a_row",
        "failures",
    ]
    list_filter = ["periodic"]
