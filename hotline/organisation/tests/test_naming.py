"""Finding a unit by what staff type, in the order a Chinese reader
expects, and the districts a location names (issue 15). Pure: no database."""

from hotline.organisation.naming import (
    aliases_of,
    districts_named,
    matches,
    search_terms,
    short_district_name,
    sort_key,
)

DISTRICTS = ["鼓楼区", "台江区", "仓山区", "马尾区", "晋安区", "长乐区", "闽侯县", "福清市"]


def test_units_are_in_pinyin_order_not_code_point_order():
    names = ["福州市园林中心", "福州市城市管理委员会", "福州市公安局", "福州市水利局"]
    assert sorted(names) != sorted(names, key=sort_key)
    assert sorted(names, key=sort_key) == [
        "福州市城市管理委员会",  # cheng
        "福州市公安局",  # gong
        "福州市水利局",  # shui
        "福州市园林中心",  # yuan
    ]


def test_a_unit_is_found_by_its_name_its_alias_and_their_pinyin_initials():
    terms = search_terms("福州市城市管理委员会", aliases_of("城管委 城管"))
    for typed in ("城市管理", "城管", "cg", "CGW", "chengguan", "fzs"):
        assert matches(typed, terms), typed
    assert not matches("公安", terms)
    assert not matches("城管 公安", terms)  # every word must find it


def test_pinyin_is_matched_from_the_start_of_a_syllable():
    """changle holds "gl" (chan-g-le): typing gl must not find 长乐区信访局."""
    changle = search_terms("长乐区信访局", ["长乐信访"])
    assert matches("changle", changle) and matches("lequ", changle) and matches("clq", changle)
    assert not matches("gl", changle)
    assert matches("gl", search_terms("鼓楼区信访局", ["鼓楼信访"]))


def test_aliases_may_be_separated_by_spaces_commas_or_enumeration_commas():
    assert aliases_of("城管委, 城管、市城管；cg") == ["城管委", "城管", "市城管", "cg"]
    assert aliases_of("") == []


def test_a_location_names_a_district_in_full_or_in_short():
    assert districts_named("仓山区金山街道浦上大道", DISTRICTS) == {"仓山区"}
    assert districts_named("仓山金山街道", DISTRICTS) == {"仓山区"}
    assert districts_named("福清市音西街道", DISTRICTS) == {"福清市"}
    assert districts_named("东街口", DISTRICTS) == set()
    assert districts_named("", DISTRICTS) == set()
    assert short_district_name("闽侯县") == "闽侯"
