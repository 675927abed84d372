"""When a clock counts as late: the one definition that bulletins, the
dashboard and its lists, the annual ranking and repeat counts all use.

A clock that has run its course is late when it was never met, or met after
it was due, unless the violation it caused was excused (D5, R11(2)): a
cause that was not human counts nowhere, so an excused late read is on time
in every figure."""

from django.db.models import Exists, F, OuterRef, Q

from .models import Violation

EXCUSED = Exists(Violation.objects.filter(clock=OuterRef("pk"), excused_at__isnull=False))
LATE = (Q(met_at__isnull=True) | Q(met_at__gt=F("due_at"))) & ~EXCUSED
ON_TIME = ~LATE
