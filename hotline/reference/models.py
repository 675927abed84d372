from django.db import models, router, transaction


class Revision(models.Model):
    """The latest change to one kind of reference data: a fresh token at
    every change, written in the change's own transaction, so a change
    rolled back leaves no token anyone could take for a later one."""

    name = models.CharField(max_length=50, unique=True)
    token = models.CharField(max_length=32)

    def __str__(self):
        return self.name


class KeptEverywhere(models.Model):
    """A row of reference data (hotline.reference.revisions): saved in one
    transaction with its kind's fresh revision token, also when the caller
    has none open, so that no row is ever saved without the token moving."""

    class Meta:
        abstract = True

    def save(self, *args, **kwargs):
        with transaction.atomic(using=kwargs.get("using") or router.db_for_write(type(self))):
            super().save(*args, **kwargs)
