"""D8: masking free text is not beaten by ordinary writing. The pure
function, table by table over the corpus in masking_corpus.py."""

import subprocess
import sys

import pytest

from hotline.cases.masking import Masker, mask

from .masking_corpus import KEPT, REQUESTERS, corpus, leaks

CORPUS = corpus()
ANYBODY = ("mobile", "ID", "landline", "email", "wechat")


def masker(key: str) -> Masker:
    person = REQUESTERS[key]
    return Masker(
        names=(person.name,),
        phones=(person.phone,),
        id_numbers=(person.id_number,),
        emails=(person.email,),
        addresses=(person.address,),
    )


def test_the_corpus_is_large_and_covers_every_kind_D8():
    assert len(CORPUS) >= 200
    kinds = {v.kind for v in CORPUS}
    assert kinds == {*ANYBODY, "own mobile", "own ID", "own email", "name", "address"}


@pytest.mark.parametrize("variant", CORPUS, ids=lambda v: f"{v.kind}:{v.text}")
def test_every_written_form_is_masked_D8(variant):
    """D8: whatever the spelling, nothing of the detail can be read back."""
    text = f"反映：{variant.text}，请处理。"
    masked = masker(variant.requester)(text)
    assert not leaks(masked, variant), masked
    assert masked.startswith("反映：") and masked.endswith("，请处理。"), masked


@pytest.mark.parametrize(
    "variant", [v for v in CORPUS if v.kind in ANYBODY], ids=lambda v: f"{v.kind}:{v.text}"
)
def test_anybodys_numbers_and_email_are_masked_without_a_requester_D8(variant):
    """D8: a number or e-mail address of someone other than the requester is
    masked too, in every form."""
    assert not leaks(mask(f"另：{variant.text}。"), variant)


@pytest.mark.parametrize(
    ("text", "masked"),
    [
        ("电话139 5746 8203。", "电话139 **** 8203。"),
        ("+86 139-5746-8203", "+86 139-****-8203"),
        ("１３９５７４６８２０３", "１３９****８２０３"),
        ("座机(0591)8765 4321", "座机(0591)**** 4321"),
        ("身份证350103 19880720 0318", "身份证350103 ******** 0318"),
        ("邮箱someone.else@163.com", "邮箱s***********@163.com"),
        ("我是王 小 明", "我是王 * *"),
        ("I am Wang Xiaoming.", "I am W*** ********."),
        ("找小明", "找**"),
        ("住温泉路88号3单元", "住[已隐去]"),
        ("住在温泉路 88 号三单元502室", "住在[已隐去]502室"),
        ("回电13805912345", "回电[已隐去]"),
        ("回电+86 138 0591 2345", "回电+[已隐去]"),
        ("邮件 xiaoming.wang(at)example.com", "邮件 [已隐去]"),
    ],
)
def test_the_masked_text_still_reads_naturally_D8(text, masked):
    """D8: only the personal characters change; separators stay."""
    assert masker("wang")(text) == masked


@pytest.mark.parametrize("text", KEPT)
def test_what_is_not_personal_stays_D8(text):
    assert masker("wang")(text) == text
    assert mask(text) == text


def test_the_requesters_address_goes_without_its_district_prefix_D8():
    """D8: the address is written in the content without 福州市鼓楼区."""
    hide = masker("wang")
    assert hide("温泉路88号3单元楼下噪音") == "[已隐去]楼下噪音"
    assert hide("温泉路路灯") == "温泉路路灯"  # the street alone is not the address


def test_compound_surnames_and_heteronyms_are_derived_D8():
    hide = Masker(names=("单雄信",))
    assert hide("Shan Xiongxin") == "S*** ********"
    assert hide("雄信") == "**"
    assert Masker(names=("欧阳娜娜",))("欧阳 娜娜") == "欧* **"


def test_masking_is_a_pure_module():
    """hotline.cases.masking imports no Django (architecture: pure modules)."""
    code = "import sys, hotline.cases.masking as m; m.mask('x'); print('django' in sys.modules)"
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "False"
