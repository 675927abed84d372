"""Rebuild every case's search text with the current mask (D8) and the
current tokens (hotline.cases.search.index_text).

The index holds each case's content and location as the public would read
them (hotline.cases.actions._new_case). When the mask learns new forms, the
cases registered before still carry the old masked text: run this once after
such an upgrade so that public search finds none of them by those forms.
Likewise once after the upgrade that added bigrams (issue 15): until then
the cases indexed before are found by whole words only. It runs beside the
live system, 500 cases a transaction; on 10,000,000 cases it costs 20 to
50 minutes of segmenting alone (120–290 µs a case, bench/search.py), plus
the updates and the GIN index's growth."""

from django.core.management.base import BaseCommand
from django.db import transaction

from hotline.cases.models import Case
from hotline.cases.publication import mask_for
from hotline.cases.search import index_text

BATCH = 500


def remask_search_index() -> int:
    """Re-mask every case's search text; the number of cases changed."""
    changed = 0
    cases = Case.objects.select_related("requester").only(
        "id", "content", "location", "search_text", "requester"
    )
    last = 0
    while True:
        batch = list(cases.filter(pk__gt=last).order_by("pk")[:BATCH])
        if not batch:
            return changed
        stale = []
        for case in batch:
            text = index_text(*map(mask_for(case.requester), (case.content, case.location)))
            if text != case.search_text:
                case.search_text = text
                stale.append(case)
        with transaction.atomic():
            Case.objects.bulk_update(stale, ["search_text"])
        changed += len(stale)
        last = batch[-1].pk


class Command(BaseCommand):
    help = "Rebuild every case's search text with the current mask (D8)."

    def handle(self, *args, **options):
        changed = remask_search_index()
        self.stdout.write(f"{changed} cases re-masked in the search index.")
