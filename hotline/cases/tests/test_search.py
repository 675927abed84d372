"""Search finds what people type (issue 15): any two to four characters of
a case's text, not only the words the segmenter cut; whole-word matches
rank first."""

import io

import pytest
from django.core.management import call_command
from django.db import connection
from django.http import QueryDict

from hotline.cases import filters
from hotline.cases import search as full_text
from hotline.cases.models import Case
from hotline.cases.search import segment

pytestmark = pytest.mark.django_db


def found(query, cases=None):
    cases = Case.objects.all() if cases is None else cases
    ranked = filters.newest_first(full_text.search(cases, query), "received_at")
    return list(ranked.values_list("number", flat=True))


@pytest.fixture
def lamp(flow, clock):
    clock("2026-11-20 10:00")
    return flow.phone_case(content="温泉公园路灯不亮，晚上很黑。").number


def test_a_word_the_segmenter_cut_through_finds_its_case(lamp):
    """The issue's example: 公园路 / 灯不亮, and 路灯 finds it."""
    assert "路灯" not in segment("温泉公园路灯不亮").split()
    for query in ("路灯", "公园路灯", "灯不亮", "园路", "温泉公园", "很黑"):
        assert found(query) == [lamp], query


def test_the_characters_must_stand_together_in_one_stretch_of_text(lamp):
    # 亮 and 晚 are neighbours only across the comma.
    assert found("亮晚") == []
    assert found("路灯坏") == []


@pytest.mark.parametrize("few", [1, 2000])
def test_whole_word_matches_rank_before_pieces_of_words(flow, clock, monkeypatch, few, lamp):
    """A case where the query is a word of its own comes before a newer one
    where it is part of a longer word; within a rank, newest first. With a
    common word (more matches than FEW, PostgreSQL only) the order is
    newest first only."""
    monkeypatch.setattr(full_text, "FEW", few)
    clock("2026-11-19 10:00")
    word = flow.phone_case(content="小区路灯损坏一个月。").number
    clock("2026-11-18 10:00")
    older_word = flow.phone_case(content="路灯坏了。").number
    if few == 1 and connection.vendor == "postgresql":
        assert found("路灯") == [lamp, word, older_word]
    else:
        assert found("路灯") == [word, older_word, lamp]


def test_every_term_must_match_and_spaces_separate_terms(flow, clock, lamp):
    clock("2026-11-21 10:00")
    park = flow.phone_case(content="温泉公园厕所很脏。").number
    assert found("温泉公园") == [park, lamp]
    assert found("温泉公园 路灯") == [lamp]
    assert found("路灯 厕所") == []


def test_a_phrase_typed_without_spaces_still_finds_its_words_apart(flow, clock):
    """What the segmenter finds in a query is enough, as before n-grams:
    台江路 and 噪音 stand apart in the text."""
    clock("2026-11-21 10:00")
    case = flow.phone_case(content="台江路上，夜里噪音很大。").number
    assert found("台江路噪音") == [case]


def test_letters_and_digits_are_searched_as_words(flow, clock):
    clock("2026-11-21 10:00")
    case = flow.phone_case(content="3号楼WiFi信号差。").number
    assert found("wifi") == [case]
    assert found("3号楼") == [case]


def test_a_query_of_no_word_narrows_nothing(lamp):
    assert found("，。！ ") == [lamp]
    assert found("'\"():&|!*") == [lamp]


def test_pages_of_a_ranked_search_follow_on_without_gaps_or_repeats(flow, clock):
    numbers = []
    for day, content in enumerate(["路灯坏了。", "公园路灯不亮。", "路灯不亮。", "街路灯闪。"]):
        clock(f"2026-11-{day + 10} 10:00")
        numbers.append(flow.phone_case(content=content).number)
    everything = found("路灯")
    assert sorted(everything) == sorted(numbers)
    seen, marker = [], None
    while True:
        cases = filters.newest_first(full_text.search(Case.objects.all(), "路灯"), "received_at")
        page = list(filters.before(cases, marker, "received_at")[:1])
        if not page:
            break
        seen.append(page[0].number)
        marker = filters.marker(page[0], "received_at")
    assert seen == everything


def test_a_marker_from_another_list_starts_from_the_top(lamp):
    cases = filters.newest_first(full_text.search(Case.objects.all(), "路灯"), "received_at")
    for marker in ("2026-11-30T00:00:00+00:00_999", "x_y_z", "1_2_3_4", "99999999999999999999_a_1"):
        assert [c.number for c in filters.before(cases, marker, "received_at")] == [lamp]


def test_the_public_filters_search_the_same_index(lamp):
    get = QueryDict(mutable=True)
    get["q"] = "路灯"
    assert [c.number for c in filters.apply(Case.objects.all(), get)] == [lamp]


def test_rebuilding_the_index_adds_ngrams_to_cases_indexed_before_them(lamp):
    """Cases indexed by segments only are still found by whole words until
    remask_search_index rebuilds them, and then by any piece too."""
    Case.objects.filter(number=lamp).update(search_text=segment("温泉公园路灯不亮，晚上很黑。"))
    assert found("灯不亮") == [lamp]
    assert found("路灯") == []
    call_command("remask_search_index", stdout=io.StringIO())
    assert found("路灯") == [lamp]
