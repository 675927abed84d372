"""Copies of reference data a process keeps, and their revision.

The working calendar, the message templates, the city bureau and people's
roles are read by nearly every action and change a few times a year.
Saving or deleting any of their rows gives the reference data a fresh
revision token, in the same transaction; a process rebuilds a copy when
the token it reads differs from the one it built the copy under. One token
serves them all: a change to any rebuilds every copy, which costs little
as changes are rare, and a verb reads one value, not one per kind.

A verb reads the token beside its first row, as an annotation of the
statement that locks the case, so knowing its copies are current costs no
statement of its own; a caller without such a row reads the token in one
small query. Either way the token is read in the caller's transaction, as
fresh as anything else it reads. Changes made without signals (a queryset
`update()`, a data migration) are seen after a restart, as every deploy
makes one."""

from collections.abc import Callable
from typing import Generic, TypeVar
from uuid import uuid4

from django.db import models
from django.db.models import Subquery
from django.db.models.signals import post_delete, post_save

T = TypeVar("T")

# No token is read yet, as opposed to a kind never changed (token None).
NOT_READ = object()


class Reference(Generic[T]):
    def __init__(
        self,
        name: str,
        rows: tuple[type[models.Model], ...],
        build: Callable[[], T],
        *,
        matters: Callable[[models.Model], bool] | None = None,
    ):
        """`matters`: whether a saved or deleted row changes the copy; by
        default every row does (a draft that no copy holds need not make
        every process rebuild every copy)."""
        self.name = name
        self._build = build
        self._matters = matters
        self._copy: tuple[str | None, T] | None = None
        for model in rows:
            for signal in (post_save, post_delete):
                signal.connect(
                    self._changed,
                    sender=model,
                    weak=False,
                    dispatch_uid=f"reference:{name}:{model._meta.label}:{signal is post_save}",
                )

    def _changed(self, instance=None, **kwargs) -> None:
        from .models import Revision

        if self._matters is not None and instance is not None and not self._matters(instance):
            return
        Revision.objects.update_or_create(name=SHARED, defaults={"token": uuid4().hex})

    def beside(self) -> dict:
        """The token as an annotation for another statement."""
        return _beside()

    def read_beside(self, row) -> str | None:
        """The token a row annotated with `beside()` carries."""
        return getattr(row, ANNOTATION)

    def get(self, token=NOT_READ) -> T:
        """The current copy; `token` if the caller read it beside a row."""
        if token is NOT_READ:
            token = next(iter(_tokens().values_list("token", flat=True)), None)
        copy = self._copy
        if copy is not None and copy[0] == token:
            return copy[1]
        value = self._build()
        self._copy = (token, value)
        return value


class Revisions:
    """Several kinds of reference data, whose token is read beside one row."""

    def __init__(self, *references: Reference):
        self.references = references

    def beside(self) -> dict:
        return _beside()

    def read_beside(self, row) -> dict[str, str | None]:
        token = getattr(row, ANNOTATION)
        return {ref.name: token for ref in self.references}


SHARED = "reference"
ANNOTATION = "reference_revision"
_annotation: dict | None = None


def _tokens():
    from .models import Revision

    return Revision.objects.filter(name=SHARED).values("token")


def _beside() -> dict:
    # Built once: building the subquery anew for every statement cost more
    # than the statement it saves.
    global _annotation
    if _annotation is None:
        _annotation = {ANNOTATION: Subquery(_tokens()[:1])}
    return _annotation
