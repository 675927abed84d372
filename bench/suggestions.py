"""Benchmark: the learned dispatch suggestions (issue 18), on a history a
city would import from its old system.

    .venv/bin/python bench/suggestions.py [cases]        # default 1,000,000
    .venv/bin/python bench/suggestions.py 50000 --pure   # no database: the classifier alone

Generates `cases` historical cases over two years (demo categories and
units; each category with its own objects, problems and ways of saying
them, a district's department for what the district handles when the
location names it, the city's department otherwise, and 5% of the units
and 3% of the categories wrong, as in any real history), writes them as a
CSV and times `manage.py import_cases` on a fresh PostgreSQL database
(`hotline_bench_suggestions`). Then, on a time split (the newest tenth of
the cases held out), trains on the older cases and prints top-1 and top-3
accuracy for category and unit on the newer ones; and times the nightly
job's own path, `train_suggestions()`, on every case: reading them,
training and storing the model.

With --pure, the same texts are segmented in memory (index_text, as the
import does) and only the classifier is trained and tested."""

import csv
import random
import sys
import tempfile
import time
from datetime import datetime, timedelta
from pathlib import Path

from common import fresh_demo_database

DB = "hotline_bench_suggestions"
SEED = 18
HELD_OUT = 0.1
UNIT_NOISE = 0.05
CATEGORY_NOISE = 0.03

DISTRICTS = [
    "鼓楼区",
    "台江区",
    "仓山区",
    "晋安区",
    "马尾区",
    "长乐区",
    "闽侯县",
    "连江县",
    "福清市",
]
ROADS = [
    *("五一路", "八一七路", "杨桥路", "湖东路", "六一路", "华林路", "工业路", "白马路", "福新路"),
    *("连江路", "福飞路", "江滨大道", "三环路", "金山大道", "浦上大道", "温泉路", "东街", "铜盘路"),
]
SPOTS = [
    "小区门口",
    "附近",
    "对面",
    "路口",
    "楼下",
    "菜市场旁边",
    "公交站",
    "学校门口",
    "地铁站出口",
]
# Per category: the city department, the district department's suffix
# (None: the city handles it everywhere), and what callers report.
CATEGORIES = {
    "CG": (
        "福州市城市管理委员会",
        "城市管理局",
        [
            "路灯不亮",
            "井盖缺失",
            "垃圾没人清运",
            "占道经营",
            "违章搭建",
            "乱贴小广告",
            "垃圾桶破损",
            "人行道被车辆占用",
            "夜市摊贩噪音",
            "建筑垃圾乱倒",
        ],
    ),
    "ZJ": (
        "福州市城乡建设局",
        "住房和城乡建设局",
        [
            "电梯经常故障",
            "物业不维修",
            "老旧小区改造进度慢",
            "楼顶漏水",
            "工地夜间施工",
            "外墙瓷砖脱落",
            "小区停车位被占",
            "燃气管道改造",
        ],
    ),
    "JT": (
        "福州市交通运输局",
        None,
        [
            "公交车晚点",
            "出租车拒载",
            "网约车绕路",
            "公交线路调整不合理",
            "站台没有站牌",
            "长途客车超载",
            "地铁接驳公交太少",
            "道路施工围挡堵车",
        ],
    ),
    "SL": (
        "福州市水利局",
        None,
        [
            "内河发黑发臭",
            "河道漂浮垃圾",
            "暴雨后积水",
            "堤岸渗水",
            "排涝泵站不运行",
            "水闸漏水",
            "河边护栏损坏",
        ],
    ),
    "HB": (
        "福州市生态环境局",
        None,
        [
            "餐馆油烟直排",
            "工厂排放废气",
            "工地扬尘",
            "酒吧噪音扰民",
            "污水直排河道",
            "焚烧垃圾冒黑烟",
            "化工厂异味",
        ],
    ),
    "SC": (
        "福州市市场监督管理局",
        "市场监督管理局",
        [
            "超市卖过期食品",
            "健身房跑路不退费",
            "商家缺斤短两",
            "药店卖假药",
            "网购退款难",
            "餐馆卫生差",
            "价格欺诈",
            "预付卡不能退",
        ],
    ),
    "SB": (
        "福州市人力资源和社会保障局",
        None,
        [
            "公司拖欠工资",
            "社保断缴",
            "养老金发放晚",
            "失业金申领难",
            "单位不签劳动合同",
            "工伤认定慢",
        ],
    ),
    "WS": (
        "福州市卫生健康委员会",
        None,
        [
            "医院挂号难",
            "医生态度差",
            "诊所无证行医",
            "疫苗预约不上",
            "医院收费不明",
            "急诊排队太久",
        ],
    ),
    "MZ": (
        "福州市民政局",
        "民政局",
        [
            "低保申请没批",
            "养老院收费高",
            "残疾人补贴没发",
            "流浪人员露宿",
            "殡葬收费乱",
            "社区养老服务少",
        ],
    ),
    "GA": (
        "福州市公安局",
        None,
        [
            "电动车被偷",
            "户口迁移办不了",
            "身份证补办慢",
            "深夜飙车扰民",
            "小区有人聚众赌博",
            "电信诈骗",
        ],
    ),
    "JY": (
        "福州市教育局",
        "教育局",
        [
            "学校乱收费",
            "校外培训机构不退费",
            "入学划片不合理",
            "学校食堂卫生差",
            "老师有偿补课",
            "幼儿园收费高",
        ],
    ),
}
OPENERS = ["", "您好，", "我是附近居民，", "我要反映一个问题，", "你好，我想投诉，", "请问一下，"]
DURATIONS = ["", "已经一个多月了，", "好几天了，", "反映过很多次，", "从上周开始，", "每天都这样，"]
EFFECTS = ["", "影响生活，", "很不安全，", "大家意见很大，", "老人孩子出行不便，", "晚上睡不着，"]
ASKS = ["请尽快处理。", "希望有关部门管一管。", "请相关部门核实处理。", "要求尽快解决。", "谢谢。"]
REPLIES = [
    "经现场核查，已责成相关单位限期整改。",
    "已安排工作人员到场处理，问题已解决。",
    "经调查，情况属实，已依法作出处理。",
    "已协调属地街道共同处理，后续将持续跟踪。",
]
SURNAMES = "林陈黄张吴刘郑王李杨许何游江魏叶蔡潘周谢"


def say(text: str) -> None:
    print(text, flush=True)


def history(n: int, seed: int = SEED):
    """`n` cases in time order: (received, content, location, category code,
    unit name, reply, phone, name)."""
    rng = random.Random(seed)
    codes = list(CATEGORIES)
    # Some matters are far more common than others, as on any hotline.
    weights = [30, 14, 10, 5, 9, 12, 6, 4, 3, 4, 3]
    start = datetime(2024, 1, 1, 8, 0)
    step = 2 * 365 * 86400 / n
    for i in range(n):
        code = rng.choices(codes, weights)[0]
        city_unit, district_suffix, problems = CATEGORIES[code]
        district = rng.choice(DISTRICTS) if rng.random() < 0.6 else ""
        road = rng.choice(ROADS)
        location = f"{district}{road}" if rng.random() < 0.8 else district
        problem = rng.choice(problems)
        if rng.random() < 0.3:  # said once more, in other words, further on
            problem = f"{problem}，{rng.choice(problems)}"
        content = (
            f"{rng.choice(OPENERS)}{location or road}{rng.choice(SPOTS)}{problem}，"
            f"{rng.choice(DURATIONS)}{rng.choice(EFFECTS)}{rng.choice(ASKS)}"
        )
        unit = f"{district}{district_suffix}" if district and district_suffix else city_unit
        if rng.random() < UNIT_NOISE:
            unit = CATEGORIES[rng.choice(codes)][0]
        if rng.random() < CATEGORY_NOISE:
            code = rng.choice(codes)
        received = start + timedelta(seconds=i * step)
        yield (
            received.strftime("%Y-%m-%d %H:%M"),
            content,
            location,
            code,
            unit,
            rng.choice(REPLIES),
            f"13{rng.randrange(10**9):09d}",
            rng.choice(SURNAMES) + rng.choice(["先生", "女士"]),
        )


def accuracy(model, words, categories, units) -> dict:
    found = {}
    top_categories, top_units = model.rank_many(words, top=3)
    for name, top, truth in (("category", top_categories, categories), ("unit", top_units, units)):
        first = sum(1 for t, row in zip(truth, top, strict=True) if row[0] == t)
        three = sum(1 for t, row in zip(truth, top, strict=True) if t in row)
        found[name] = (first / len(truth), three / len(truth))
    return found


def split_and_measure(rows) -> None:
    """rows: (received, tokens, category, unit) in time order."""
    from hotline.cases.learning import train

    cut = int(len(rows) * (1 - HELD_OUT))
    older, newer = rows[:cut], rows[cut:]
    say(f"time split: train on the older {len(older):,}, test on the newer {len(newer):,}")
    t0 = time.perf_counter()
    model = train([r[1] for r in older], [r[2] for r in older], [r[3] for r in older])
    say(f"  trained in {time.perf_counter() - t0:.1f} s, {model.metadata['words']:,} words")
    t0 = time.perf_counter()
    found = accuracy(model, [r[1] for r in newer], [r[2] for r in newer], [r[3] for r in newer])
    say(f"  ranked {len(newer):,} in {time.perf_counter() - t0:.1f} s")
    for name, (first, three) in found.items():
        say(f"  {name}: top-1 {first:.1%}, top-3 {three:.1%}")


def pure(n: int) -> None:
    from hotline.cases.masking import mask
    from hotline.cases.search import index_text

    t0 = time.perf_counter()
    rows = []
    for received, content, location, code, unit, *_ in history(n):
        rows.append((received, index_text(mask(content), mask(location)), code, unit))
    say(f"generated and segmented {n:,} texts in {time.perf_counter() - t0:.0f} s")
    split_and_measure(rows)


def with_database(n: int) -> None:
    fresh_demo_database(DB)
    from django.core.management import call_command

    from hotline.cases.models import Case
    from hotline.cases.suggestions import history as closed_cases
    from hotline.cases.suggestions import train_suggestions

    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "history.csv"
        t0 = time.perf_counter()
        with path.open("w", newline="", encoding="utf-8") as out:
            writer = csv.writer(out)
            writer.writerow(
                ["受理时间", "诉求内容", "地点", "类别", "承办单位", "答复", "电话", "姓名"]
            )
            writer.writerows(history(n))
        say(
            f"wrote {n:,} rows ({path.stat().st_size / 1e6:.0f} MB) "
            f"in {time.perf_counter() - t0:.0f} s"
        )
        t0 = time.perf_counter()
        call_command("import_cases", str(path), stdout=sys.stdout)
        took = time.perf_counter() - t0
        say(f"import_cases: {n:,} rows in {took:.0f} s ({n / took:,.0f} rows/s)")
    assert Case.objects.count() >= n
    t0 = time.perf_counter()
    rows = [(None, words, category, unit) for words, category, unit in closed_cases(n)]
    rows.reverse()  # history() reads newest first
    say(f"read {len(rows):,} closed cases in {time.perf_counter() - t0:.0f} s")
    split_and_measure(rows)
    t0 = time.perf_counter()
    row = train_suggestions()
    say(
        f"train_suggestions (the nightly job): {row.cases:,} cases in "
        f"{time.perf_counter() - t0:.0f} s (training {row.seconds:.0f} s), "
        f"model {len(bytes(row.data)) / 1e6:.1f} MB"
    )


def main() -> int:
    args = [a for a in sys.argv[1:] if not a.startswith("--")]
    n = int(args[0]) if args else 1_000_000
    if "--pure" in sys.argv:
        pure(n)
    else:
        with_database(n)
    return 0


if __name__ == "__main__":
    sys.exit(main())
