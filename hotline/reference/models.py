from django.db import models


class Revision(models.Model):
    """The latest change to one kind of reference data: a fresh token at
    every change, written in the change's own transaction, so a change
    rolled back leaves no token anyone could take for a later one."""

    name = models.CharField(max_length=50, unique=True)
    token = models.CharField(max_length=32)

    def __str__(self):
        return self.name
