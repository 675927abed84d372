"""Recall of the full-text search (issue 15): on a corpus of 2,400
realistic case texts (recall_corpus.py), at least 99 % of the two- to
four-character words a person would search for find their case. The words
are those the segmenter finds in each text and the nouns the templates put
in (places, roads, objects, problems)."""

import re
from collections import Counter

import pytest
import rjieba
from django.utils import timezone

from hotline.cases.models import Case, Requester
from hotline.cases.publication import mask_for
from hotline.cases.request_types import request_type
from hotline.cases.search import index_text, search
from hotline.policy.models import Policy

from .recall_corpus import texts

pytestmark = pytest.mark.django_db
HAN_WORD = re.compile(r"[\u4e00-\u9fff]{2,4}")


def words_to_search(text) -> set[str]:
    cut = rjieba.cut(text.content + " " + text.location)
    return {w for w in (*cut, *text.nouns) if HAN_WORD.fullmatch(w)}


def test_at_least_99_percent_of_words_find_their_case():
    corpus = texts(2400)
    now = timezone.now()
    policy = Policy.in_force(now)
    requesters = Requester.objects.bulk_create(
        Requester(phone=f"138{i:08d}") for i in range(len(corpus))
    )
    cases = Case.objects.bulk_create(
        Case(
            number=f"RC{i:010d}",
            channel="phone",
            requester=person,
            content=text.content,
            location=text.location,
            received_at=now,
            policy=policy,
            request_type=request_type("help"),
            state="closed",
            disclosure_allowed=True,
            search_text=index_text(*map(mask_for(person), (text.content, text.location))),
        )
        for i, (text, person) in enumerate(zip(corpus, requesters, strict=True))
    )
    wanted = {
        (case.pk, word)
        for case, text in zip(cases, corpus, strict=True)
        for word in words_to_search(text)
    }
    hits = {}
    for word in {word for _, word in wanted}:
        hits[word] = set(search(Case.objects.all(), word).values_list("pk", flat=True))
    missed = sorted(word for pk, word in wanted if pk not in hits[word])
    assert len(wanted) > 10_000  # several words from every text
    assert len(missed) <= len(wanted) // 100, Counter(missed).most_common(20)
