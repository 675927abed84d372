"""Rows of history: written once, never edited or deleted (a case's events,
an article's steps, roster and catalogue changes)."""

from django.db import models


class History(models.Model):
    class Meta:
        abstract = True

    def save(self, *args, **kwargs):
        if self.pk is not None:
            raise ValueError(f"{type(self).__name__} rows are history and cannot be edited")
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        raise ValueError(f"{type(self).__name__} rows are history and cannot be deleted")
