"""Demo categories for Fuzhou, with the units each one suggests."""

from .models import Category

CATEGORIES = [
    ("CG", "城市管理", ["福州市城市管理委员会"]),
    ("ZJ", "住房建设", ["福州市城乡建设局", "福州市住房保障和房产管理局"]),
    ("JY", "教育", ["福州市教育局"]),
    ("HB", "生态环境", ["福州市生态环境局"]),
    ("JT", "交通出行", ["福州市交通运输局"]),
    ("SC", "市场监管", ["福州市市场监督管理局"]),
    ("SB", "社会保障", ["福州市人力资源和社会保障局", "福州市医疗保障局"]),
    ("WS", "医疗卫生", ["福州市卫生健康委员会"]),
    ("MZ", "民政", ["福州市民政局"]),
    ("GA", "公安治安", ["福州市公安局"]),
    ("SL", "水利水务", ["福州市水利局"]),
    ("QT", "其他", []),
]


def load_categories() -> None:
    from hotline.organisation.models import Unit

    for code, name, unit_names in CATEGORIES:
        category = Category.objects.create(code=code, name=name)
        category.suggested_units.set(Unit.objects.filter(name__in=unit_names))
