"""The demo's Fuzhou dispatch catalogue (N5): one published version, in
force since the start of 2026, for the demo's categories and districts,
read through the same row parser as an imported spreadsheet."""

from datetime import date

from django.db import transaction
from django.utils import timezone

from hotline.organisation.models import User

from .models import CatalogueChange, CatalogueEntry, CatalogueVersion
from .spreadsheet import entry_text

EFFECTIVE_ON = date(2026, 1, 1)
CITY_DISTRICTS = ("鼓楼区", "台江区", "仓山区", "晋安区")

# 事项, 子事项, 关键词, 区县, 街道, 责任单位, 牵头单位, 协办单位
ROWS = [
    *(
        ("城市管理", "占道经营", "占道 摆摊 流动摊贩", d, "", f"{d}城市管理局", "", "")
        for d in CITY_DISTRICTS
    ),
    (
        "城市管理",
        "占道经营",
        "占道 摆摊 流动摊贩",
        "鼓楼区",
        "东街",
        "",
        "鼓楼区城市管理局",
        "鼓楼区市场监督管理局",
    ),
    (
        "城市管理",
        "夜间施工噪音",
        "夜间施工 施工噪音 噪音扰民",
        "",
        "",
        "",
        "福州市城乡建设局",
        "福州市生态环境局",
    ),
    ("城市管理", "路灯", "路灯", "", "", "福州市城市管理委员会", "", ""),
    ("城市管理", "", "", "", "", "福州市城市管理委员会", "", ""),
    ("住房建设", "物业服务", "物业 电梯", "", "", "福州市住房保障和房产管理局", "", ""),
    ("住房建设", "", "", "", "", "福州市城乡建设局", "", ""),
    ("教育", "", "", "鼓楼区", "", "鼓楼区教育局", "", ""),
    ("教育", "", "", "", "", "福州市教育局", "", ""),
    ("生态环境", "", "", "", "", "福州市生态环境局", "", ""),
    ("交通出行", "", "", "", "", "福州市交通运输局", "", ""),
    ("市场监管", "食品安全", "食品 过期", "鼓楼区", "", "鼓楼区市场监督管理局", "", ""),
    ("市场监管", "", "", "", "", "福州市市场监督管理局", "", ""),
    ("社会保障", "医保报销", "医保 报销", "", "", "福州市医疗保障局", "", ""),
    ("社会保障", "", "", "", "", "福州市人力资源和社会保障局", "", ""),
    ("医疗卫生", "", "", "", "", "福州市卫生健康委员会", "", ""),
    ("民政", "", "", "", "", "福州市民政局", "", ""),
    ("公安治安", "", "", "", "", "福州市公安局", "", ""),
    ("水利水务", "供水管道", "爆管 水管 停水 供水", "", "", "", "福州市水利局", "福州市城乡建设局"),
    ("水利水务", "", "", "", "", "福州市水利局", "", ""),
]
FIELDS = ("category", "sub_matter", "keywords", "district", "street", "unit", "lead", "co")


@transaction.atomic
def load_demo_catalogue() -> CatalogueVersion:
    """Version 1, published (the organisation and categories loaded first).
    Written as the demo's starting point, not through the verbs, which
    take a version into force from today only."""
    admin = User.objects.get(username="admin")
    now = timezone.now()
    version = CatalogueVersion.objects.create(
        number=1,
        state=CatalogueVersion.State.PUBLISHED,
        effective_on=EFFECTIVE_ON,
        note="福州市12345热线派单目录（演示）",
        created_by=admin,
        created_at=now,
        published_by=admin,
        published_at=now,
    )
    for position, row in enumerate(ROWS, start=1):
        text = entry_text(dict(zip(FIELDS, row, strict=True)))
        entry = CatalogueEntry.objects.create(
            version=version,
            position=position,
            category=text.category,
            sub_matter=text.sub_matter,
            keywords=text.keywords,
            district=text.district,
            street=text.street,
            unit=text.unit,
        )
        entry.co_units.set(text.co)
    # Saved again once its entries are in: the save moves the revision the
    # processes' copies are kept under (models.CATALOGUE).
    version.save()
    CatalogueChange.objects.create(
        version_number=1,
        action=CatalogueChange.Action.PUBLISHED,
        actor=admin,
        at=now,
        note=EFFECTIVE_ON.isoformat(),
    )
    return version
