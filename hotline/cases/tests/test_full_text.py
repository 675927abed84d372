"""Full-text search answers the same whether its words are common, rare or
in no case (issue 14): rare ones from the index's few matches, common ones
by walking the date order."""

import pytest

from hotline.cases import search as full_text
from hotline.cases.models import Case

pytestmark = pytest.mark.django_db


@pytest.fixture
def cases(flow, clock):
    made = []
    for day, content in enumerate(
        [
            "东街口夜间施工噪音扰民。",
            "五一路广场舞噪音很大。",
            "台江路噪音扰民。",
            "小区上空有无人机拍摄。",
        ],
        start=20,
    ):
        clock(f"2026-11-{day} 10:00")
        made.append(flow.phone_case(content=content).number)
    return made


def found(query):
    return list(
        full_text.search(Case.objects.all(), query)
        .order_by("-received_at")
        .values_list("number", flat=True)
    )


@pytest.mark.parametrize("few", [1, 2000])
def test_common_rare_and_absent_words_find_their_cases_newest_first(cases, monkeypatch, few):
    monkeypatch.setattr(full_text, "FEW", few)
    assert found("噪音") == [cases[2], cases[1], cases[0]]
    assert found("无人机") == [cases[3]]
    assert found("噪音 扰民") == [cases[2], cases[0]]
    assert found("地铁") == []
