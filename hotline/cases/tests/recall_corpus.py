"""A corpus of realistic 12345 case texts for measuring search recall
(issue 15): a place in Fuzhou, an object, what is wrong with it, how long
and what it does to the caller, and what they ask for, as callers say them.

    texts(2400) -> [CorpusText(content, location, nouns), ...]

Deterministic (a seeded generator), so a failing word is the same on every
run. `nouns` are the words a template put in (place, object, problem): a
person searching remembers those, besides what the segmenter finds."""

import random
from dataclasses import dataclass

DISTRICTS = ["鼓楼区", "台江区", "仓山区", "晋安区", "马尾区", "长乐区", "闽侯县", "连江县"]
ROADS = [
    "五一路",
    "八一七路",
    "杨桥路",
    "湖东路",
    "六一路",
    "华林路",
    "工业路",
    "白马路",
    "福新路",
    "连江路",
    "福飞路",
    "江滨大道",
    "三环路",
    "北环路",
    "金山大道",
    "浦上大道",
    "温泉路",
    "东街",
    "南后街",
    "铜盘路",
    "西二环",
    "福马路",
    "长乐中路",
    "首山路",
]
PLACES = [
    "温泉公园",
    "西湖公园",
    "左海公园",
    "金牛山公园",
    "闽江公园",
    "于山",
    "乌山",
    "屏西小区",
    "金山碧水小区",
    "融侨锦江",
    "阳光城",
    "世欧王庄",
    "万科金域",
    "榕城花园",
    "鼓楼第一中心小学",
    "台江第三中学",
    "省立医院",
    "协和医院",
    "火车站南广场",
    "东街口地铁站",
    "宝龙广场",
    "万达广场",
    "农贸市场",
    "公交总站",
    "菜市场",
    "幼儿园",
]
SPOTS = ["门口", "附近", "对面", "东门", "北侧", "路口", "旁边", "地下车库", "楼下", "后门"]
# (object, problems): the thing a caller reports and what is wrong with it.
OBJECTS = [
    ("路灯", ["不亮", "损坏", "一直闪烁", "白天也亮着", "灯杆倾斜"]),
    ("井盖", ["缺失", "破损", "松动", "下沉", "响声很大"]),
    ("垃圾桶", ["满了没人清理", "破损", "臭味很大", "被人占用"]),
    ("下水道", ["堵塞", "污水外溢", "返臭", "积水严重"]),
    ("人行道", ["地砖破损", "被车辆占用", "坑洼不平", "被摊贩占道"]),
    ("红绿灯", ["不亮", "时间太短", "故障", "坏了"]),
    ("公交站台", ["顶棚漏雨", "座椅损坏", "站牌看不清", "广告牌倾斜"]),
    ("电梯", ["经常停运", "困人", "异响", "年检过期"]),
    ("自来水", ["停水", "水压太低", "水质发黄", "水管爆裂"]),
    ("树木", ["倒伏", "枝叶遮挡路灯", "需要修剪", "树枝掉落"]),
    ("施工工地", ["夜间施工噪音扰民", "扬尘严重", "渣土车撒漏", "围挡倒塌"]),
    ("餐饮店", ["油烟扰民", "占道经营", "噪音扰民", "污水直排"]),
    ("广场舞", ["音响声音太大", "时间太晚", "噪音扰民"]),
    ("共享单车", ["乱停乱放", "堵塞通道", "损坏无人回收"]),
    ("停车场", ["收费不合理", "乱收费", "车位被占", "出口拥堵"]),
    ("消防通道", ["被车辆堵塞", "堆放杂物", "被锁住"]),
    ("违章建筑", ["私自搭建", "占用公共绿地", "楼顶加盖"]),
    ("窨井", ["冒水", "盖板缺失"]),
    ("绿化带", ["杂草丛生", "被毁坏", "被种菜"]),
    ("公厕", ["卫生很差", "没有开放", "冲水坏了", "无人管理"]),
    ("出租车", ["拒载", "绕路", "不打表", "乱收费"]),
    ("物业公司", ["不作为", "乱收费", "服务差", "不维修"]),
    ("燃气管道", ["漏气", "有异味", "老化"]),
    ("空调外机", ["滴水", "噪音太大", "安装不规范"]),
    ("流浪狗", ["咬人", "成群出没", "夜间吠叫"]),
]
SINCE = ["已经一个多月了", "好几天了", "半年多了", "从上周开始", "最近每天晚上", "一直没人管"]
EFFECTS = [
    "影响居民休息",
    "晚上出行很不安全",
    "老人小孩容易摔倒",
    "严重影响生活",
    "存在安全隐患",
    "周边居民意见很大",
    "影响小孩学习",
    "多次反映没有结果",
]
ASKS = [
    "请有关部门尽快处理。",
    "希望尽快派人维修。",
    "请相关部门核实处理。",
    "请尽快解决。",
    "希望给个答复。",
    "请执法部门依法查处。",
]


@dataclass(frozen=True)
class CorpusText:
    content: str
    location: str
    nouns: tuple[str, ...]


def texts(count: int = 2400, seed: int = 15) -> list[CorpusText]:
    pick = random.Random(seed).choice
    made = []
    for _ in range(count):
        district, road, place, spot = pick(DISTRICTS), pick(ROADS), pick(PLACES), pick(SPOTS)
        thing, problems = pick(OBJECTS)
        problem, since, effect, ask = pick(problems), pick(SINCE), pick(EFFECTS), pick(ASKS)
        where = pick([f"{road}{place}{spot}", f"{place}{spot}", f"{district}{road}{spot}"])
        content = pick(
            [
                f"{where}的{thing}{problem}，{since}，{effect}，{ask}",
                f"反映{where}{thing}{problem}，{effect}。{ask}",
                f"市民来电：{where}{thing}{problem}{since}，{ask}",
                f"{since}，{where}{thing}{problem}，{effect}，{ask}",
            ]
        )
        location = f"{district}{road}"
        nouns = tuple(n for n in (place, road, thing, problem) if n in content + location)
        made.append(CorpusText(content, location, nouns))
    return made
