"""The D8 masking corpus: each kind of personal detail written in many of the
ways people write it. Shared by the pure test (test_masking.py) and the
test of every public surface (hotline/portal/tests/test_masking_surfaces.py).

Each variant names the requester whose case it stands in (their own details
must go whole; anybody's numbers and e-mail addresses lose their middle)
and the folded forms that must not be readable in any output."""

import unicodedata
from dataclasses import dataclass

from hotline.cases.actions import RequesterDetails
from hotline.cases.masking import WORD_GAP, fold_text

# The requesters. Digits differ between kinds, so that the digits a mask
# leaves of one number never make up another.
WANG = RequesterDetails(
    name="王小明",
    phone="13805912345",
    id_number="35010219900101123X",
    email="xiaoming.wang@example.com",
    address="福州市鼓楼区温泉路88号3单元",
)
OUYANG = RequesterDetails(
    name="欧阳娜娜",
    phone="13712345678",
    id_number="350102198506150021",
    email="nana.ouyang@example.com",
    address="福州市台江区秘密巷18号",
)
REQUESTERS = {"wang": WANG, "ouyang": OUYANG}

# Somebody else's: not the requester, masked all the same.
OTHER_MOBILE = "13957468203"
OTHER_ID = "350103198807200318"
OTHER_EMAIL = "someone.else@163.com"


@dataclass(frozen=True)
class Variant:
    kind: str
    requester: str  # a key of REQUESTERS
    text: str
    secrets: tuple[str, ...]  # folded, without separators: never readable in output


def squeeze(text: str) -> str:
    """Output as a reader would put it back together: folded, separators
    and tone numbers dropped."""
    kept = []
    for c in fold_text(text):
        if c in WORD_GAP or c == "'":
            continue
        if c in "012345" and kept and "a" <= kept[-1] <= "z":
            continue
        kept.append(c)
    return "".join(kept)


def leaks(output: str, variant: Variant) -> list[str]:
    """What of `variant` can still be read in `output` (nothing, if masked)."""
    found = [variant.text] if variant.text in output else []
    readable = squeeze(output)
    return found + [s for s in variant.secrets if s in readable]


def _full_width(text: str) -> str:
    return "".join(
        chr(ord(c) + 0xFEE0) if "!" <= c <= "~" else "\u3000" if c == " " else c for c in text
    )


def _chinese(digits: str, one="一") -> str:
    return "".join(("〇" + one + "二三四五六七八九")[int(d)] for d in digits)


def _tones(text: str) -> str:
    marks = {"a": "\u0301", "i": "\u030c", "o": "\u0304", "u": "\u0300"}
    return unicodedata.normalize(
        "NFC", "".join(c + marks.get(c.lower(), "") if c.isalpha() else c for c in text)
    )


def _mobiles(d: str) -> list[str]:
    a, b, c = d[:3], d[3:7], d[7:]
    spaced = f"{a} {b} {c}"
    return [
        d,
        spaced,
        f"{a}-{b}-{c}",
        f"{a}.{b}.{c}",
        f"({a}){b}-{c}",
        f"+86 {d}",
        f"+86-{d}",
        f"+86 {spaced}",
        f"0086{d}",
        f"0086 {spaced}",
        f"86-{d}",
        f"86 {d}",
        f"+86({a}){b}{c}",
        _full_width(d),
        _full_width(spaced),
        _full_width(f"+86 {d}"),
        _chinese(d),
        _chinese(d, one="幺"),
        f"{a}–{b}–{c}",
        f"{a}—{b}—{c}",
        f"{a}/{b}/{c}",
        f"{a}_{b}_{c}",
        f"{a}·{b}·{c}",
        " ".join(d),
        " ".join(d[i : i + 2] for i in range(0, 11, 2)),
        f"（{a}）{b} {c}",
        f"{a}-{b} {c}",
        f"[{a}] {b} {c}",
        f"{a}\u00a0{b}\u00a0{c}",
        f"{d[:1]} {d[1:3]} {b} {c}",
        f"0{d}",
        f"手机{a} {b} {c}转",
    ]


def _ids(n: str) -> list[str]:
    short = n[:6] + n[8:17]
    found = [
        n,
        f"{n[:6]} {n[6:14]} {n[14:]}",
        f"{n[:6]}-{n[6:14]}-{n[14:]}",
        " ".join(n[i : i + 4] for i in range(0, 18, 4)),
        _full_width(n),
        short,
        f"{short[:6]} {short[6:12]} {short[12:]}",
        f"{n[:6]}.{n[6:14]}.{n[14:]}",
        f"{n[:6]}-{n[6:10]}-{n[10:14]}-{n[14:]}",
        _chinese(n[:17]) + n[17],
        f"{n[:17]} {n[17]}",
        f"{n[:6]}\u3000{n[6:14]}\u3000{n[14:]}",
        f"({n[:6]}){n[6:]}",
    ]
    if n.endswith("X"):
        found += [n[:17] + "x", f"{n[:6]} {n[6:14]} {n[14:17]}x"]
    return found


def _landlines() -> list[tuple[str, str]]:
    """(written, the local number that must not be readable)."""
    local = "87654321"
    return [
        ("0591-87654321", local),
        ("(0591)87654321", local),
        ("0591 8765 4321", local),
        ("059187654321", local),
        ("0591 87654321", local),
        ("（0591）87654321", local),
        (_full_width("0591-87654321"), local),
        ("+86 591 8765 4321", local),
        ("0086-591-87654321", local),
        ("+86-591-87654321", local),
        ("0591.8765.4321", local),
        ("[0591]8765-4321", local),
        ("0591—87654321", local),
        (_chinese("059187654321"), local),
        ("0591-87654321转8001", local),
        ("电话87654321", local),
        ("座机：8765 4321", local),
        ("010-62345678", "62345678"),
        ("(010) 6234 5678", "62345678"),
        ("0755-2345678", "2345678"),
    ]


def _emails(e: str) -> list[str]:
    local, domain = e.split("@")
    name, tld = domain.rsplit(".", 1)
    return [
        e,
        e.upper(),
        _full_width(e),
        f"{local} @ {domain}",
        f"{local}(at){domain}",
        f"{local}[at]{domain}",
        f"{local} at {name} dot {tld}",
        f"{local}#{domain}",
        f"{local}＠{domain}",
        f"{local}@{name}。{tld}",
        f"{local}(at){name}(dot){tld}",
        f"mailto:{e}",
        f"<{e}>",
    ]


def _names(cjk: str, surname: str, given: str, separate: str) -> list[str]:
    """`separate` is the pinyin with a space between syllables."""
    syllables = separate.split()
    family = "".join(syllables[: len(surname)])
    personal = "".join(syllables[len(surname) :])
    western = f"{family.title()} {personal.title()}"
    rest = cjk[len(surname) :]
    return [
        cjk,
        " ".join(cjk),
        "-".join(cjk),
        "·".join(cjk),
        "\u3000".join(cjk),
        "_".join(cjk),
        ".".join(cjk),
        "／".join(cjk),
        f"{surname} {rest}",
        given,
        western,
        western.replace(" ", "").lower(),
        western.upper(),
        f"{personal.title()} {family.title()}",
        separate,
        _tones(western),
        western.replace(" ", ""),
        f"{family.title()}-{personal.title()}",
        " ".join(f"{s}{i % 4 + 1}" for i, s in enumerate(syllables)),
        _full_width(western.upper()),
        personal.title(),
        " ".join(syllables[len(surname) :]).upper(),
        f"{family}.{personal}",
    ]


def corpus() -> list[Variant]:
    v: list[Variant] = []
    for text in _mobiles(OTHER_MOBILE):
        v.append(Variant("mobile", "wang", text, (OTHER_MOBILE,)))
    for key, person in REQUESTERS.items():
        mobiles = _mobiles(person.phone)
        for text in mobiles if key == "wang" else mobiles[::4]:
            v.append(Variant("own mobile", key, text, (person.phone,)))
    for text in _ids(WANG.id_number):
        n = fold_text(WANG.id_number)
        v.append(Variant("own ID", "wang", text, (n[:17], n[6:14], n[:6] + n[8:17])))
    for text in _ids(OTHER_ID):
        v.append(Variant("ID", "ouyang", text, (OTHER_ID[6:14], OTHER_ID[:6] + OTHER_ID[8:14])))
    for text, local in _landlines():
        v.append(Variant("landline", "ouyang", text, (local,)))
    for text in _emails(OTHER_EMAIL):
        v.append(Variant("email", "wang", text, ("someoneelse",)))
    for key, person in REQUESTERS.items():
        squeezed = fold_text(person.email.split("@")[0]).replace(".", "")
        for text in _emails(person.email):
            v.append(Variant("own email", key, text, (squeezed,)))
    for text in _names("王小明", "王", "小明", "wang xiao ming"):
        v.append(Variant("name", "wang", text, (squeeze(text),)))
    for text in _names("欧阳娜娜", "欧阳", "娜娜", "ou yang na na"):
        v.append(Variant("name", "ouyang", text, (squeeze(text),)))
    wang_rooms = [
        "鼓楼区温泉路88号3单元",
        "温泉路88号3单元",
        "温泉路 88 号 3 单元",
        "温泉路８８号３单元",
        "温泉路八十八号三单元",
        "温泉路八八号三单元",
        "温泉路88号",
        "福州鼓楼温泉路88号3单元",
        "福建省福州市鼓楼区温泉路88号3单元",
        "温泉路88号3单元502室",
        "温泉路-88号-3单元",
        "福州市 鼓楼区 温泉路 88号",
        "温泉路88号三单元",
    ]
    for text in [WANG.address, *wang_rooms]:
        v.append(Variant("address", "wang", text, ("温泉路88号", squeeze(text))))
    ouyang_rooms = [
        "台江区秘密巷18号",
        "秘密巷18号",
        "秘密巷十八号",
        "秘密巷 18 号",
        "秘密巷１８号",
    ]
    for text in [OUYANG.address, *ouyang_rooms]:
        v.append(Variant("address", "ouyang", text, ("秘密巷18号", squeeze(text))))
    return v + retest()


# An outside re-test's spellings (issue 12): invisible characters, Chinese
# punctuation and line breaks between the digits, other scripts' digits,
# 艾特 for @, WeChat IDs, other words for the house number.
ZWSP, SHY, WJ, BOM = "\u200b", "\u00ad", "\u2060", "\ufeff"


def retest() -> list[Variant]:
    other, own = OTHER_MOBILE, WANG.phone
    a, b, c = other[:3], other[3:7], other[7:]
    mobiles = [
        ZWSP.join((a, b, c)),
        ZWSP.join(other),
        SHY.join((a, b, c)),
        WJ.join((a, b, c)),
        BOM.join((a, b, c)),
        f"{a}，{b}，{c}",
        f"{a}。{b}。{c}",
        f"{a}：{b}：{c}",
        f"{a}；{b}；{c}",
        f"{a}\n\n\n\n{b}\n\n{c}",
        f"{a}\r\n  {b}\r\n  {c}",
        f"{a} - - - {b} {c}",
        "".join(chr(0x2460 + int(d) - 1) if d != "0" else "⓪" for d in other),
        "".join(chr(0x2776 + int(d) - 1) if d != "0" else "⓿" for d in other),
        "".join(chr(0x0660 + int(d)) for d in other),
        "".join(chr(0x0966 + int(d)) for d in other),
        "".join(chr(0x1D7CE + int(d)) for d in other),
        "".join(d + "\ufe0f\u20e3" for d in other),
        "手机号码：" + _chinese(other),
        "手机号码：" + "、".join((_chinese(a), _chinese(b), _chinese(c))),
        _full_width(other[:5]) + other[5:],
        "".join(_full_width(d) if i % 2 else d for i, d in enumerate(other)),
        f"{_chinese(a)}{b}{_chinese(c, one='幺')}",
    ]
    found = [Variant("mobile", "wang", text, (other,)) for text in mobiles]
    for text in (
        ZWSP.join((own[:3], own[3:7], own[7:])),
        f"{own[:3]}。{own[3:7]}。{own[7:]}",
        "".join(chr(0x0660 + int(d)) for d in own),
    ):
        found.append(Variant("own mobile", "wang", text, (own,)))
    n = fold_text(WANG.id_number)
    for text in (
        f"{n[:6]}{ZWSP}{n[6:14]}{ZWSP}{n[14:17]}x",
        f"{n[:6]} {n[6:10]}\n{n[10:14]} {n[14:17]}  x",
        f"{n[:6]}，{n[6:14]}，{n[14:17]}X",
    ):
        found.append(Variant("own ID", "wang", text, (n[:17], n[6:14])))
    for text in (
        f"{OTHER_ID[:6]}{SHY}{OTHER_ID[6:14]}{SHY}{OTHER_ID[14:]}",
        f"{OTHER_ID[:6]}。{OTHER_ID[6:14]}。{OTHER_ID[14:]}",
    ):
        found.append(Variant("ID", "ouyang", text, (OTHER_ID[6:14],)))
    found.append(Variant("landline", "ouyang", f"0591{ZWSP}8765{ZWSP}4321", ("87654321",)))
    found.append(Variant("landline", "ouyang", "座机：8765。4321", ("87654321",)))
    for text in (
        "someone.else艾特163.com",
        "someone.else 艾特 163 点 com",
        f"some{ZWSP}one.else@163.com",
    ):
        found.append(Variant("email", "wang", text, ("someoneelse",)))
    found.append(Variant("own email", "wang", "xiaoming.wang艾特example.com", ("xiaomingwang",)))
    for text in ("微信 wxid_k3j9x2", "微信号：zhangsan1990", "vx: li_si_2020"):
        found.append(Variant("wechat", "wang", text, (squeeze(text.split()[-1])[1:],)))
    for text in (f"王{ZWSP}小{ZWSP}明", f"王{SHY}小明", "王。小。明", f"Wang{ZWSP} Xiao{ZWSP}ming"):
        found.append(Variant("name", "wang", text, (squeeze(text),)))
    for text in (
        "温泉路88栋3单元",
        "温泉路88幢",
        "温泉路88#",
        "温泉路88-3",
        "温泉路捌拾捌号",
        "温泉路八十八栋",
        f"温泉{ZWSP}路88号",
        "温泉路。88号",
    ):
        found.append(Variant("address", "wang", text, ("温泉路88", "温泉路8十8")))
    return found


# What must stay as written: not personal.
KEPT = [
    "编号FZ2026112600001",
    "2026-11-26 10:30",
    "罚款1,000元",
    "拨打12345热线",
    "温泉路路灯不亮",
    "鼓楼区城管局",
    "3单元门口",
    "Liang alliance",
    "第2026号文件",
    "2026。11。26",
    "关注微信公众号",
    "温泉路880号",
]
