"""Benchmark: the pages people open, on a city's database (issue 14,
"City scale": 10,000,000 cases).

    .venv/bin/python bench/pages.py [--cases N]   # fill a new database, then measure
    .venv/bin/python bench/pages.py --resume      # go on with an interrupted fill, then measure
    .venv/bin/python bench/pages.py --reuse       # migrate the last run's database, measure
    options: --json FILE, --only WORD[,WORD], --requests 30, --seconds 10,
             --connections 8, --workers 4, --no-wrk, --fill-only

Targets: public pages p95 < 300 ms and at least 100 requests/s with no
error under wrk; staff pages p95 < 300 ms; API reads p95 < 100 ms.

The fill (`hotline_bench_pages` on the local PostgreSQL) extends
bench/bulletin.py's: SQL only (generate_series, in time order, as a live
system writes), cases received from 2025-01-01 to the moment of the fill,
about 14,300 a day at 10 million. The last six days are open, the rest
closed:

- closed: a read and a reply clock at a city department (one late read in
  fifty, one lapsed reply in two hundred, a tenth of those violations
  excused), a reviewed reply (one in ten sent back and done again), a
  result, `closed_at`, a rating for one in three, a `close` event; 90 %
  handled publicly and published, 8 % internal, 2 % public but not
  published. The case's words come from 24 complaints at 30 places,
  segmented with rjieba as intake does, so most cases share common words
  (噪音, 施工, 停车, 路灯); 无人机 is in 20 cases, 恐龙 in none.
- open, by age: screening (20 minutes), accepted and unclassified (to
  1 hour), awaiting dispatch at the city bureau (to 5 hours, about 3,000),
  then at the departments: received, read, instructed, awaiting the
  leader's approval, and in review at the city bureau. One department
  (福州市城市管理委员会, city_handler's) gets 8 % of all cases and holds
  several thousand open assignments; one of its cases has a 300-event
  timeline.
- involvements (the assigned department; the service center for what its
  agents registered), and every past day settled (the daily figures the
  dashboard, the statistics and the annual ranking read; ADR 6).

The fill drops the filled tables' indexes and unique constraints first and
builds them again at the end (with foreign-key triggers off during the
inserts: the rows are valid by construction), and records each finished
step in the table `bench_pages_fill`, so `--resume` goes on from the last
one. `--reuse` skips the fill, runs `migrate` first (so a new index is
built; the time is printed), then ANALYZE (autovacuum is off on these
machines) and does what the worker would: breaches the clocks now due and
settles any day not yet settled. Static files are collected into a
temporary directory (production serves hashed names), and the demo logins,
hashed by bench/common.py with a hasher production refuses, get
production's. gunicorn's timeout is 600 s, so a slow page is measured,
not killed.

Measuring: gunicorn with production settings (as bench/api_intake.py) on
loopback, Redis database 13 as the cache (emptied first). Staff log in
through the login form; the API uses a token of the busy department's
handler that reads its unit's cases. For each page: the first request
(cold cache), 4 more warm-up requests, then `--requests` timed sequential
requests (p50, p95). Then, in a process of its own with the same settings,
each page once more through Django's test client with
`connection.execute_wrapper`: the statements sent (SAVEPOINT and RELEASE
not counted), their time as the client saw it, and their PostgreSQL time
(planning + execution of `EXPLAIN (ANALYZE, TIMING OFF)` of each statement,
run again right after, writes rolled back). pg_stat_statements is not
loaded on the shared server, and loading it needs a restart. Public pages
are cached by the application: they are measured warm ("kept"), and their
statements also with the cache emptied ("computed", the page as it is
after a case is published). Last, for each public page, wrk for
`--seconds` at `--connections` connections: requests/s, latency and
errors (HTTP status >= 400 and socket errors, timeout 5 s).
"""

import argparse
import html
import json
import math
import os
import re
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.parse
from datetime import UTC, date, datetime, timedelta
from http.client import HTTPConnection
from pathlib import Path

from common import ROOT, fresh_demo_database, setup_django

DB = os.environ.get("BENCH_PAGES_DB", "hotline_bench_pages")  # another for a trial fill
URL = f"postgres://postgres@127.0.0.1:5432/{DB}"
PORT = 8392
REDIS = "redis://127.0.0.1:6379/13"
PASSWORD = "hotline12345"  # the demo logins' (hotline.organisation.demo)
CHUNK = 500_000
OPEN_HOURS = 144  # cases received in the last six days are open
BUSY_UNIT = "福州市城市管理委员会"
BUSY_PER_THOUSAND = 80
COMMON, RARE, ABSENT = "噪音", "无人机", "恐龙"
FILLED = (
    "cases_requester",
    "cases_case",
    "cases_part",
    "cases_assignment",
    "cases_involvement",
    "cases_clock",
    "cases_reply",
    "cases_violation",
    "cases_event",
)
T0 = datetime(2025, 1, 1, tzinfo=UTC) - timedelta(hours=8)  # 2025-01-01 00:00 in Fuzhou

# Stages by age (hours since received): the case, part and assignment
# states of each. 0 is closed.
STAGES = [
    # (older than, case state, part state, assignment state)
    (OPEN_HOURS, "closed", "approved", "done"),
    (128, "reviewing", "reviewing", "submitted"),
    (108, "handling", "handling", "awaiting_approval"),
    (48, "handling", "handling", "instructed"),
    (24, "handling", "handling", "read"),
    (5, "handling", "handling", "received"),
    (1, "dispatching", "awaiting_dispatch", None),
    (1 / 3, "dispatching", "awaiting_dispatch", None),  # not classified yet
    (0, "screening", None, None),
]

PLACES = [
    *("东街口", "五一广场", "台江万达", "仓山万达", "三坊七巷", "西湖公园", "屏山公园"),
    *("福州火车站", "福州南站", "金山大道", "五四路", "六一路", "八一七路", "杨桥路"),
    *("工业路", "华林路", "湖东路", "鼓屏路", "北大路", "福马路", "南江滨", "北江滨"),
    *("上下杭", "温泉公园", "左海公园", "乌山路", "白马路", "铜盘路", "洪山桥", "首山路"),
]
# (category code, the complaint after the place); the words each must give
# when segmented are checked at the start of a fill.
COMPLAINTS = [
    ("CG", "附近的路灯坏了，晚上行人经过很不安全，请尽快修复。"),
    ("CG", "一排路灯损坏多日，夜间照明不足。"),
    ("CG", "人行道被违章停车占用，行人只能走机动车道。"),
    ("CG", "小区门口乱停车严重，堵塞消防通道。"),
    ("CG", "垃圾桶满了没人清理，气味很大。"),
    ("CG", "占道经营的摊贩很多，晚上噪音很大。"),
    ("HB", "夜间施工噪音扰民，凌晨两点还在施工，影响休息。"),
    ("HB", "附近工地施工扬尘严重，噪音也很大。"),
    ("HB", "酒吧夜间噪音很大，影响附近居民休息。"),
    ("HB", "餐馆油烟直排，噪音扰民。"),
    ("ZJ", "小区电梯经常故障，物业不及时维修。"),
    ("ZJ", "老旧小区改造施工进度缓慢，道路泥泞。"),
    ("ZJ", "楼上装修施工噪音很大，周末一早就开始。"),
    ("JT", "公交站台附近违章停车，公交车无法进站。"),
    ("JT", "路口红绿灯时间太短，行人过马路不安全。"),
    ("JT", "停车场收费不规范，要求查处。"),
    ("JT", "道路施工围挡占道，交通拥堵严重。"),
    ("SC", "超市销售过期食品，要求查处。"),
    ("SC", "健身房突然关门，会员费无法退还。"),
    ("GA", "小区电动车乱停车，充电存在安全隐患。"),
    ("SL", "暴雨后路面积水严重，排水不畅。"),
    ("SL", "停水没有提前通知，影响生活。"),
    ("JY", "学校周边交通拥堵，接送孩子停车难。"),
    ("WS", "医院排队时间太长，挂号难，路灯也不亮。"),
]
RARE_COMPLAINT = ("GA", "小区上空经常有无人机低空飞行，担心安全和隐私。")
RARE_CASES = 20
RESULTS = [
    "经现场核查，已责成相关单位限期整改，并将加强日常巡查。",
    "已安排工作人员到场处理，问题已解决。",
    "经调查，情况属实，已依法作出处理，感谢您的监督。",
    "已协调属地街道和物业共同处理，后续将持续跟踪。",
    "已转交执法部门立案查处，处理结果将另行告知。",
]
SURNAMES = list("林陈黄张吴刘郑王李杨许何游江魏叶蔡潘周谢")


# -- helpers -------------------------------------------------------------


def pick(multiplier: int, buckets: int, of: str = "g") -> str:
    """SQL: a pseudo-random bucket of `of` (the case's g) in [0, buckets),
    from the high bits of a multiplicative hash (each choice its own
    multiplier). `picked` is the same in Python."""
    return f"(mod(({of}) * {multiplier}, 4294967296) * {buckets} / 4294967296)"


def picked(g: int, multiplier: int, buckets: int) -> int:
    return (g * multiplier % 4294967296) * buckets // 4294967296


UNIT_HASH, CHANNEL_HASH, MODE_HASH, RATING_HASH = 2654435761, 2246822519, 3266489917, 668265263
FLAW_HASH, REDO_HASH, TEXT_HASH, PLACE_HASH = 374761393, 1597334677, 2870177451, 3812015801


def ms(seconds: float) -> float:
    return round(seconds * 1000, 1)


def p95(values: list[float]) -> float:
    """The nearest-rank 95th percentile."""
    ordered = sorted(values)
    return ordered[max(0, math.ceil(0.95 * len(ordered)) - 1)]


def say(text: str) -> None:
    print(text, flush=True)


# -- the fill ------------------------------------------------------------


class Fill:
    """The SQL fill, one recorded step at a time."""

    def __init__(self, cursor, meta: dict):
        self.cursor = cursor
        self.meta = meta

    # The bookkeeping tables live in the benchmark's database only.
    @staticmethod
    def create_bookkeeping(cursor) -> None:
        cursor.execute(
            "CREATE TABLE IF NOT EXISTS bench_pages_fill (step text PRIMARY KEY, "
            "seconds float8 NOT NULL, info text NOT NULL DEFAULT '', done_at timestamptz "
            "NOT NULL DEFAULT now())"
        )
        cursor.execute(
            "CREATE TABLE IF NOT EXISTS bench_pages_meta (key text PRIMARY KEY, value jsonb)"
        )
        cursor.execute(
            "CREATE TABLE IF NOT EXISTS bench_pages_index (position serial, name text PRIMARY "
            "KEY, tablename text NOT NULL, sql text NOT NULL)"
        )

    def done(self, step: str) -> bool:
        self.cursor.execute("SELECT 1 FROM bench_pages_fill WHERE step = %s", [step])
        return self.cursor.fetchone() is not None

    def record(self, step: str, seconds: float, info: str = "") -> None:
        self.cursor.execute(
            "INSERT INTO bench_pages_fill (step, seconds, info) VALUES (%s, %s, %s)",
            [step, seconds, info],
        )

    def base(self) -> str:
        """SQL: the generated cases of one chunk, g in [%(lo)s, %(hi)s],
        with everything the statements choose from."""
        m = self.meta
        ages = [stage[0] for stage in STAGES[:-1]]
        bounds = [self.last_g_older_than(hours) for hours in ages]
        stage = "CASE " + " ".join(f"WHEN g <= {b} THEN {i}" for i, b in enumerate(bounds))
        stage += f" ELSE {len(bounds)} END"
        combos = len(PLACES) * len(COMPLAINTS)
        every = max(m["cases"] // RARE_CASES, 1)
        place = pick(PLACE_HASH, len(PLACES))
        combo = (
            f"CASE WHEN mod(g, {every}) = {every // 2} THEN {combos} + {place}"
            f" ELSE {pick(TEXT_HASH, len(COMPLAINTS))} * {len(PLACES)} + {place} END"
        )
        return f"""(
          SELECT r.*,
            CASE WHEN r.uu < {BUSY_PER_THOUSAND} THEN 1 ELSE 2 + mod(r.uu, {m["others"]}) END AS ui,
            r.ch NOT IN (5, 6) AS agent,
            r.flaw < 20 AS late_read, r.flaw < 2 AS excused,
            r.flaw >= 20 AND r.flaw < 25 AS lapsed,
            r.redo_draw < 100 AS redo,
            r.at + interval '4 hours' AS dispatched_at,
            r.at + interval '3 days' + mod(g, 4) * interval '12 hours' AS closed_at
          FROM (
            SELECT g, q.at, q.d, {stage} AS s, {combo} AS combo,
              {pick(UNIT_HASH, 1000)} AS uu, {pick(CHANNEL_HASH, 10)} AS ch,
              {pick(MODE_HASH, 50)} AS mi, {pick(RATING_HASH, 9)} AS ri,
              {pick(FLAW_HASH, 1000)} AS flaw, {pick(REDO_HASH, 1000)} AS redo_draw,
              {pick(TEXT_HASH + 2, len(RESULTS))} AS rt
            FROM generate_series(%(lo)s::bigint, %(hi)s::bigint) g,
            LATERAL (SELECT %(t0)s::timestamptz + (g - 1) * %(step)s::float8 * interval '1 second'
                       AS at, floor((g - 1) * %(step)s::float8 / 86400)::int AS d) q
          ) r
          -- OFFSET 0: computed once a case, not again in every expression
          -- that uses a column (timestamptz arithmetic in days is slow).
          OFFSET 0
        ) b"""

    def last_g_older_than(self, hours: float) -> int:
        """The last case received more than `hours` before the fill's moment."""
        m = self.meta
        span = m["span"] - hours * 3600
        return max(0, min(m["cases"], math.ceil(span / m["step"])))

    def statements(self) -> list[tuple[str, str]]:
        m = self.meta
        base = self.base()
        R0, C0, P0, A0 = m["R0"], m["C0"], m["P0"], m["A0"]
        case_states = ",".join(f"'{s[1]}'" for s in STAGES)
        part_states = ",".join(f"'{s[2]}'" for s in STAGES[:-1])
        assignment_states = ",".join(f"'{s[3]}'" for s in STAGES[:6])
        unit = "(%(units)s::bigint[])[b.ui]"
        handler = "(%(handlers)s::bigint[])[b.ui]"
        leader = "(%(leaders)s::bigint[])[b.ui]"
        return [
            (
                "requesters",
                "INSERT INTO cases_requester (id, kind, name, phone, id_number, email, address) "
                f"SELECT {R0} + g, 'person', (%(surnames)s::text[])[1 + mod(g, 20)] || "
                "CASE WHEN mod(g, 2) = 0 THEN '先生' ELSE '女士' END, "
                "'13' || lpad(mod(g * 7919, 1000000000)::text, 9, '0'), '', '', '' "
                "FROM generate_series(%(lo)s::bigint, %(hi)s::bigint) g ORDER BY g",
            ),
            (
                "cases",
                "INSERT INTO cases_case (id, number, channel, requester_id, content, location, "
                "category_id, disclosure_allowed, received_at, policy_id, registered_by_id, state, "
                "handling_mode, internal_reason, refusal_reason, city_final_review, flag_overdue, "
                "flag_lapsed, flag_repeat, declined_timely_replies, result, closed_at, published, "
                "satisfaction, rating_comment, rated_at, version, search_text, query_code_hash, "
                "request_type_id) "
                f"SELECT {C0} + g, 'FZ' || to_char(date '2025-01-01' + d, 'YYYYMMDD') || "
                "lpad((g - ceil(d * 86400 / %(step)s::float8))::bigint::text, 5, '0'), "
                "(ARRAY['phone','phone','phone','phone','phone','web','web','sms','fax','email'])"
                f"[1 + ch], {R0} + g, (%(contents)s::text[])[1 + combo], "
                "(%(places)s::text[])[1 + mod(combo, %(nplaces)s)], "
                "(%(categories)s::bigint[])[1 + combo], mi >= 4, at, %(policy)s, "
                "CASE WHEN agent THEN %(agent)s END, "
                f"(ARRAY[{case_states}])[1 + s], "
                "CASE WHEN s >= 7 THEN 'undecided' WHEN mi < 4 THEN 'internal' ELSE 'public' END, "
                "CASE WHEN s < 7 AND mi < 4 THEN 4 END, NULL, false, false, s = 0 AND lapsed, "
                "false, NULL, CASE WHEN s = 0 THEN (%(results)s::text[])[1 + rt] ELSE '' END, "
                "CASE WHEN s = 0 THEN closed_at END, s = 0 AND mi >= 5, "
                "CASE WHEN s = 0 AND ri < 3 THEN "
                "(ARRAY['satisfied','basically_satisfied','dissatisfied'])[1 + ri] ELSE '' END, "
                "'', CASE WHEN s = 0 AND ri < 3 THEN closed_at + interval '1 day' END, 1, "
                f"(%(search)s::text[])[1 + combo], '', "
                "(ARRAY(SELECT id FROM cases_requesttype ORDER BY position, code))[1 + mod(g, 6)] "
                f"FROM {base} ORDER BY g",
            ),
            (
                "parts",
                "INSERT INTO cases_part (id, case_id, number, description, holder_bureau_id, "
                f"state, received_at) SELECT {P0} + g, {C0} + g, 1, '', %(bureau)s, "
                f"(ARRAY[{part_states}])[1 + s], at + interval '1 minute' FROM {base} "
                "WHERE s <= 7 ORDER BY g",
            ),
            (
                "assignments",
                "INSERT INTO cases_assignment (id, part_id, case_id, unit_id, role, "
                "dispatched_by_id, dispatched_at, state, state_before_return, return_rejected, "
                "read_by_id, instruction, contribution, redo_count, flag_lapsed) "
                f"SELECT {A0} + g, {P0} + g, {C0} + g, {unit}, 'sole', %(bureau)s, "
                f"dispatched_at, (ARRAY[{assignment_states}])[1 + s], '', false, "
                f"CASE WHEN s <= 4 THEN {handler} END, "
                "CASE WHEN s <= 3 THEN '请按时限办理并答复。' ELSE '' END, '', "
                "CASE WHEN s = 0 AND redo THEN 1 ELSE 0 END, s = 0 AND lapsed "
                f"FROM {base} WHERE s <= 5 ORDER BY g",
            ),
            (
                "involvements",
                "INSERT INTO cases_involvement (case_id, unit_id) "
                f"SELECT {C0} + g, v.u FROM {base}, LATERAL (VALUES "
                "(1, CASE WHEN agent THEN %(center)s::bigint END), "
                f"(2, CASE WHEN s <= 5 THEN {unit} END)) v(o, u) "
                "WHERE v.u IS NOT NULL ORDER BY g, v.o",
            ),
            (
                "clocks+violations",
                "WITH k AS (INSERT INTO cases_clock (kind, case_id, part_id, assignment_id, "
                "unit_id, working_days, started_at, due_at, provisional, met_at, breached_at, "
                f"cancelled_at) SELECT c.kind, {C0} + g, c.part, c.asg, c.unit, c.days, "
                "c.started, c.due, false, c.met, c.breached, NULL "
                f"FROM {base}, LATERAL (VALUES "
                # the city bureau's dispatch deadline (kept for open cases only)
                "(1, s >= 1, 'dispatch', NULL::bigint, NULL::bigint, %(bureau)s::bigint, 1, "
                "at + interval '1 minute', at + interval '1 day', "
                "CASE WHEN s <= 5 THEN dispatched_at END, NULL::timestamptz), "
                f"(2, s <= 5, 'read', {P0} + g, {A0} + g, {unit}, 2, dispatched_at, "
                "dispatched_at + interval '2 days', "
                "CASE WHEN s = 5 THEN NULL WHEN s = 0 AND late_read "
                "THEN dispatched_at + interval '3 days' "
                "ELSE dispatched_at + interval '20 hours' END, "
                "CASE WHEN s = 0 AND late_read THEN dispatched_at + interval '2 days' END), "
                f"(3, s <= 5, 'reply', {P0} + g, {A0} + g, {unit}, 10, dispatched_at, "
                "CASE WHEN s = 0 AND lapsed THEN dispatched_at + interval '1 day' "
                "ELSE dispatched_at + interval '14 days' END, "
                "CASE WHEN s = 0 AND redo THEN dispatched_at + interval '62 hours' "
                "WHEN s = 0 THEN dispatched_at + interval '38 hours' "
                "WHEN s = 1 THEN at + interval '5.2 days' END, "
                "CASE WHEN s = 0 AND lapsed THEN dispatched_at + interval '1 day' END), "
                f"(4, s = 1, 'review', {P0} + g, NULL, %(bureau)s, 3, at + interval '5.2 days', "
                "at + interval '8.2 days', NULL, NULL)"
                ") c(o, wanted, kind, part, asg, unit, days, started, due, met, breached) "
                "WHERE c.wanted ORDER BY g, c.o RETURNING id, case_id, unit_id, kind, breached_at) "
                "INSERT INTO cases_violation (kind, case_id, clock_id, unit_id, person_id, "
                "occurred_at, excused_at, excused_by_id, excuse_reason) "
                "SELECT CASE WHEN k.kind = 'read' THEN 'late_read' ELSE 'lapsed' END, k.case_id, "
                "k.id, k.unit_id, NULL, k.breached_at, "
                "CASE WHEN x.excused THEN k.breached_at + interval '3 days' END, "
                "CASE WHEN x.excused THEN %(supervisor)s::bigint END, "
                "CASE WHEN x.excused THEN '系统故障，短信未送达。' ELSE '' END FROM k, "
                f"LATERAL (SELECT {pick(FLAW_HASH, 1000, f'k.case_id - {C0}')} < 2 "
                "AS excused) x WHERE k.breached_at IS NOT NULL ORDER BY k.id",
            ),
            (
                "replies",
                "INSERT INTO cases_reply (assignment_id, content, remaining_problems, measures, "
                "recommend_nonpublication, nonpublication_reason, is_redo, drafted_by_id, "
                "drafted_at, approved_by_id, approved_at, reviewing_bureau_id, review_decision, "
                "review_reasons, nonpublication_agreed, reviewed_by_id, reviewed_at) "
                f"SELECT {A0} + g, (%(results)s::text[])[1 + rt], '', '', x.nonpub, "
                "CASE WHEN x.nonpub THEN '涉及个人隐私，不宜公开。' ELSE '' END, x.is_redo, "
                f"{handler}, x.drafted, CASE WHEN x.approved IS NOT NULL THEN {leader} END, "
                "x.approved, %(bureau)s, x.decision, x.reasons, x.nonpub, "
                "CASE WHEN x.decision <> '' THEN %(reviewer)s::bigint END, x.reviewed "
                f"FROM {base}, LATERAL (VALUES "
                "(1, s <= 2, s = 0 AND mi = 4 AND NOT redo, false, "
                "CASE s WHEN 0 THEN dispatched_at + interval '36 hours' "
                "WHEN 1 THEN at + interval '5.1 days' ELSE at + interval '4.4 days' END, "
                "CASE s WHEN 0 THEN dispatched_at + interval '38 hours' "
                "WHEN 1 THEN at + interval '5.2 days' END, "
                "CASE WHEN s = 0 AND redo THEN 'redo' WHEN s = 0 THEN 'approved' ELSE '' END, "
                "CASE WHEN s = 0 AND redo THEN '答复未说明处理结果，请重新办理。' ELSE '' END, "
                "CASE WHEN s = 0 AND redo THEN dispatched_at + interval '48 hours' "
                "WHEN s = 0 THEN closed_at - interval '2 hours' END), "
                "(2, s = 0 AND redo, mi = 4, true, dispatched_at + interval '60 hours', "
                "dispatched_at + interval '62 hours', 'approved', '', "
                "closed_at - interval '2 hours')"
                ") x(o, wanted, nonpub, is_redo, drafted, approved, decision, reasons, reviewed) "
                "WHERE x.wanted ORDER BY g, x.o",
            ),
            (
                "events",
                "INSERT INTO cases_event (case_id, part_id, assignment_id, action, actor_id, "
                f"actor_unit_id, at, details) SELECT {C0} + g, NULL, NULL, e.action, e.actor, "
                f"e.unit, e.at, '{{}}'::jsonb FROM {base}, LATERAL (VALUES "
                "(1, s >= 1, CASE WHEN agent THEN 'register' ELSE 'submit_online' END, "
                "CASE WHEN agent THEN %(agent)s::bigint END, "
                "CASE WHEN agent THEN %(center)s::bigint END, b.at), "
                "(2, s >= 1 AND s <= 5, 'dispatch', %(dispatcher)s::bigint, %(bureau)s::bigint, "
                "dispatched_at), "
                "(3, s = 0, 'close', %(reviewer)s::bigint, %(bureau)s::bigint, closed_at)"
                ") e(o, wanted, action, actor, unit, at) WHERE e.wanted ORDER BY g, e.o",
            ),
        ]

    def params(self, lo: int, hi: int) -> dict:
        m = self.meta
        return {**m["sql"], "lo": lo, "hi": hi, "t0": T0.isoformat(), "step": m["step"]}

    def run_chunks(self) -> None:
        m = self.meta
        chunks = math.ceil(m["cases"] / CHUNK)
        statements = self.statements()
        started = time.perf_counter()
        for c in range(chunks):
            step = f"chunk {c:03d}"
            if self.done(step):
                continue
            lo, hi = c * CHUNK + 1, min((c + 1) * CHUNK, m["cases"])
            t0 = time.perf_counter()
            times = []
            with transaction_atomic():
                for name, sql in statements:
                    t1 = time.perf_counter()
                    self.cursor.execute(sql, self.params(lo, hi))
                    times.append(f"{name} {time.perf_counter() - t1:.0f}")
                took = time.perf_counter() - t0
                self.record(step, took, ", ".join(times))
            elapsed = time.perf_counter() - started
            say(
                f"  chunk {c + 1}/{chunks} (cases {lo:,}-{hi:,}): {took:.0f} s "
                f"({', '.join(times)} s); this run {elapsed / 60:.1f} min"
            )

    def timeline(self) -> None:
        """One open case at the busy department with 300 events and the
        replies of its many rounds."""
        if self.done("timeline"):
            return
        m = self.meta
        t0 = time.perf_counter()
        g = self.last_g_older_than(48)
        while picked(g, UNIT_HASH, 1000) >= BUSY_PER_THOUSAND:
            g -= 1
        case_id, assignment_id = m["C0"] + g, m["A0"] + g
        sql = m["sql"]
        self.cursor.execute("SELECT number, received_at FROM cases_case WHERE id = %s", [case_id])
        number, received = self.cursor.fetchone()
        end = datetime.fromisoformat(m["moment"]) - timedelta(hours=1)
        actions = ["register", "forward", "accept", "classify", "dispatch"]
        cycle = ["read", "instruct", "draft_reply", "approve_reply", "review"]
        while len(actions) < 300:
            actions += cycle
        actions = actions[:300]
        gap = (end - received) / len(actions)
        busy, handler, leader = sql["units"][0], sql["handlers"][0], sql["leaders"][0]
        rows = []
        for i, action in enumerate(actions):
            at = received + gap * i
            if action in ("register", "forward"):
                actor, unit, details = sql["agent"], sql["center"], {}
            elif action in ("accept", "classify", "dispatch"):
                actor, unit, details = sql["dispatcher"], sql["bureau"], {}
            elif action == "review":
                actor, unit = sql["reviewer"], sql["bureau"]
                details = {
                    "decision": "redo",
                    "reasons": f"第{i // 5}次答复仍未解决问题，请重新办理。",
                }
            elif action == "instruct":
                actor, unit, details = leader, busy, {"note": "请再次到现场核实，务必办结。"}
            else:
                actor, unit, details = (leader if action == "approve_reply" else handler), busy, {}
            rows.append([case_id, action, actor, unit, at, json.dumps(details, ensure_ascii=False)])
        with transaction_atomic():
            self.cursor.executemany(
                "INSERT INTO cases_event (case_id, part_id, assignment_id, action, actor_id, "
                "actor_unit_id, at, details) VALUES (%s, NULL, NULL, %s, %s, %s, %s, %s::jsonb)",
                rows,
            )
            replies = [
                [
                    *(assignment_id, f"第{k + 1}次答复：已安排人员到现场处理。", k > 0, handler),
                    *(received + gap * (7 + 5 * k), leader, received + gap * (8 + 5 * k)),
                    *(sql["bureau"], sql["reviewer"], received + gap * (9 + 5 * k)),
                ]
                for k in range(59)
            ]
            self.cursor.executemany(
                "INSERT INTO cases_reply (assignment_id, content, remaining_problems, measures, "
                "recommend_nonpublication, nonpublication_reason, is_redo, drafted_by_id, "
                "drafted_at, approved_by_id, approved_at, reviewing_bureau_id, review_decision, "
                "review_reasons, nonpublication_agreed, reviewed_by_id, reviewed_at) VALUES "
                "(%s, %s, '', '', false, '', %s, %s, %s, %s, %s, %s, 'redo', "
                "'仍未解决，请重新办理。', false, %s, %s)",
                replies,
            )
            self.cursor.execute(
                "UPDATE cases_assignment SET redo_count = 59 WHERE id = %s", [assignment_id]
            )
            self.cursor.execute(
                "INSERT INTO bench_pages_meta VALUES ('timeline', %s)",
                [json.dumps({"number": number, "case": case_id})],
            )
            self.record("timeline", time.perf_counter() - t0, number)
        say(f"  timeline: case {number} with 300 events and 59 replies")

    def drop_indexes(self) -> None:
        """Keep the definitions of the filled tables' indexes and unique
        constraints (not the primary keys), then drop them."""
        if self.done("drop indexes"):
            return
        with transaction_atomic():
            for table in FILLED:
                self.cursor.execute(
                    "SELECT conname, pg_get_constraintdef(oid) FROM pg_constraint "
                    "WHERE conrelid = %s::regclass AND contype = 'u' ORDER BY conname",
                    [table],
                )
                for name, definition in self.cursor.fetchall():
                    self.cursor.execute(
                        "INSERT INTO bench_pages_index (name, tablename, sql) VALUES (%s, %s, %s)",
                        [name, table, f'ALTER TABLE {table} ADD CONSTRAINT "{name}" {definition}'],
                    )
                    self.cursor.execute(f'ALTER TABLE {table} DROP CONSTRAINT "{name}"')
                self.cursor.execute(
                    "SELECT i.indexname, i.indexdef FROM pg_indexes i WHERE i.tablename = %s "
                    "AND i.schemaname = 'public' AND NOT EXISTS (SELECT 1 FROM pg_constraint c "
                    "WHERE c.conindid = (quote_ident(i.indexname))::regclass) ORDER BY 1",
                    [table],
                )
                for name, definition in self.cursor.fetchall():
                    self.cursor.execute(
                        "INSERT INTO bench_pages_index (name, tablename, sql) VALUES (%s, %s, %s)",
                        [name, table, definition],
                    )
                    self.cursor.execute(f'DROP INDEX "{name}"')
            self.cursor.execute("SELECT count(*) FROM bench_pages_index")
            dropped = self.cursor.fetchone()[0]
            self.record("drop indexes", 0, str(dropped))
        say(f"  dropped {dropped} indexes and unique constraints of the filled tables")

    def build_indexes(self) -> None:
        self.cursor.execute("SELECT name, tablename, sql FROM bench_pages_index ORDER BY position")
        for name, table, sql in self.cursor.fetchall():
            step = f"index {name}"
            if self.done(step):
                continue
            t0 = time.perf_counter()
            with transaction_atomic():
                self.cursor.execute(sql)
                self.record(step, time.perf_counter() - t0)
            say(f"  built {name} on {table}: {time.perf_counter() - t0:.0f} s")

    def finish(self) -> None:
        if not self.done("sequences"):
            t0 = time.perf_counter()
            with transaction_atomic():
                for table in FILLED:
                    self.cursor.execute(
                        f"SELECT setval(pg_get_serial_sequence('{table}', 'id'), "
                        f"(SELECT max(id) FROM {table}))"
                    )
                # The day counters go on after the last number of each day.
                self.cursor.execute(
                    "INSERT INTO cases_casenumbercounter (day, last) "
                    "SELECT to_date(substr(number, 3, 8), 'YYYYMMDD'), "
                    "max(substr(number, 11)::int) "
                    "FROM cases_case WHERE number ~ '^FZ[0-9]{13}$' GROUP BY 1 "
                    "ON CONFLICT (day) DO UPDATE SET last = GREATEST(cases_casenumbercounter.last, "
                    "excluded.last)"
                )
                self.record("sequences", time.perf_counter() - t0)
            say(f"  sequences and day counters: {time.perf_counter() - t0:.0f} s")
        if not self.done("vacuum"):
            t0 = time.perf_counter()
            self.cursor.execute("VACUUM (ANALYZE)")
            self.record("vacuum", time.perf_counter() - t0)
            say(f"  VACUUM (ANALYZE): {time.perf_counter() - t0:.0f} s")


def transaction_atomic():
    """django.db.transaction.atomic, imported once Django is set up."""
    from django.db import transaction

    return transaction.atomic()


def check_words() -> list[tuple[str, str, int]]:
    """The complaints at every place, segmented as intake does (content and
    location); fails if the words the pages search for are not where meant."""
    from hotline.cases.models import Category
    from hotline.cases.search import index_text

    categories = dict(Category.objects.values_list("code", "pk"))
    combos = []
    for code, text in [*COMPLAINTS, RARE_COMPLAINT]:
        for place in PLACES:
            combos.append((place + text, index_text(place + text, place), categories[code]))
    plain = combos[: len(PLACES) * len(COMPLAINTS)]
    share = {
        word: sum(word in words.split() for _c, words, _k in plain) / len(plain)
        for word in ("噪音", "施工", "停车", "路灯", RARE, ABSENT)
    }
    rare = combos[len(plain) :]
    assert all(RARE in words.split() for _c, words, _k in rare), "the rare word is not segmented"
    assert share[RARE] == 0 and share[ABSENT] == 0 and share[COMMON] > 0.2, share
    assert all(ABSENT not in words.split() for _c, words, _k in rare)
    say(
        "  words: "
        + ", ".join(f"{w} in {100 * s:.0f} %" for w, s in share.items() if s)
        + f"; {RARE} in {RARE_CASES} cases; {ABSENT} in none"
    )
    return combos


def prepare(cases: int) -> dict:
    """After migrate and the demo: what the fill needs, kept in
    bench_pages_meta so a resumed fill uses the same."""
    from django.db import connection
    from django.utils import timezone

    from hotline.organisation.models import RoleGrant, Unit, User
    from hotline.policy.models import Policy

    with connection.cursor() as cursor:
        Fill.create_bookkeeping(cursor)
        cursor.execute("SELECT value FROM bench_pages_meta WHERE key = 'fill'")
        row = cursor.fetchone()
        if row:
            meta = row[0] if isinstance(row[0], dict) else json.loads(row[0])
            return meta
        moment = timezone.now().replace(second=0, microsecond=0)
        span = (moment - T0).total_seconds()
        bureau = Unit.objects.get(kind="petition_bureau", level="city")
        busy = Unit.objects.get(name=BUSY_UNIT)
        others = list(
            Unit.objects.filter(kind="department", level="city").exclude(pk=busy.pk).order_by("pk")
        )
        units = [busy, *others]

        def holder(unit, role):
            return RoleGrant.objects.filter(unit=unit, role=role).order_by("pk")[0].user_id

        combos = check_words()
        # The demo's own cases are numbered today, as the fill's last cases
        # are: they are renamed out of the way.
        cursor.execute("UPDATE cases_case SET number = 'DEMO' || substr(number, 3)")
        bases = {}
        for key, table in (("R0", "requester"), ("C0", "case"), ("P0", "part")):
            cursor.execute(f"SELECT coalesce(max(id), 0) FROM cases_{table}")
            bases[key] = (cursor.fetchone()[0] // 1000 + 1) * 1000
        cursor.execute("SELECT coalesce(max(id), 0) FROM cases_assignment")
        bases["A0"] = (cursor.fetchone()[0] // 1000 + 1) * 1000
        meta = {
            "cases": cases,
            "moment": moment.isoformat(),
            "span": span,
            "step": span / cases,
            "others": len(others),
            **bases,
            "sql": {
                "surnames": SURNAMES,
                "contents": [c for c, _w, _k in combos],
                "search": [w for _c, w, _k in combos],
                "categories": [k for _c, _w, k in combos],
                "places": PLACES,
                "nplaces": len(PLACES),
                "results": RESULTS,
                "units": [u.pk for u in units],
                "handlers": [holder(u, "handler") for u in units],
                "leaders": [holder(u, "leader") for u in units],
                "policy": Policy.in_force(moment).pk,
                "bureau": bureau.pk,
                "center": Unit.objects.get(kind="service_center").pk,
                "agent": User.objects.get(username="agent").pk,
                "dispatcher": User.objects.get(username="city_dispatcher").pk,
                "reviewer": User.objects.get(username="city_reviewer").pk,
                "supervisor": User.objects.get(username="city_supervisor").pk,
            },
        }
        cursor.execute("INSERT INTO bench_pages_meta VALUES ('fill', %s)", [json.dumps(meta)])
    return meta


def fill(resume: bool, cases: int) -> None:
    from django.db import connection

    t0 = time.perf_counter()
    meta = prepare(cases)
    with connection.cursor() as cursor:
        # This session only: bulk writes, foreign keys unchecked (the rows
        # are valid by construction), large sorts for the index builds.
        for setting in (
            "session_replication_role = replica",
            "synchronous_commit = off",
            "work_mem = '256MB'",
            "maintenance_work_mem = '1GB'",
        ):
            cursor.execute(f"SET {setting}")
        work = Fill(cursor, meta)
        say(
            f"filling {meta['cases']:,} cases received 2025-01-01 to {meta['moment']}"
            + (" (resumed)" if resume else "")
        )
        work.drop_indexes()
        work.run_chunks()
        work.timeline()
        work.build_indexes()
        work.finish()
        cursor.execute("SET session_replication_role = origin")
        if not work.done("settle"):
            work.record("settle", settle())
        cursor.execute("SELECT sum(seconds) FROM bench_pages_fill")
        total = cursor.fetchone()[0]
        if not work.done("filled"):
            work.record("filled", total)
    say(f"fill: {(time.perf_counter() - t0) / 60:.1f} min this run, {total / 60:.1f} min in all")
    summary()


def settle() -> float:
    """What the worker does: breach the clocks now due, then settle every
    past day not settled yet (its first run on this database), with
    progress."""
    from django.db.models import Min
    from django.utils import timezone

    from hotline.calendar.workdays import SHANGHAI
    from hotline.cases.clocks import breach_due_clocks
    from hotline.cases.models import Case
    from hotline.supervision import figures
    from hotline.supervision.models import SettledDay

    t0 = time.perf_counter()
    report = breach_due_clocks()
    say(f"breached {report.breached} clocks now due in {time.perf_counter() - t0:.1f} s")
    first = Case.objects.aggregate(m=Min("received_at"))["m"]
    yesterday = timezone.localdate(timezone=SHANGHAI) - timedelta(days=1)
    day = timezone.localtime(first, SHANGHAI).date()
    settled = set(
        SettledDay.objects.filter(stale=False, definitions=figures.DEFINITIONS).values_list(
            "day", flat=True
        )
    )
    days = []
    while day <= yesterday:
        if day not in settled:
            days.append(day)
        day += timedelta(days=1)
    done = 0
    for i, day in enumerate(days, 1):
        done += figures.settle(day)
        if i % 50 == 0:
            say(f"  settled {i}/{len(days)} days: {(time.perf_counter() - t0) / 60:.1f} min")
    took = time.perf_counter() - t0
    say(f"settled {done} of {len(days)} days in {took:.0f} s")
    return took


def summary() -> None:
    """What the pages will find."""
    from django.db import connection

    queries = [
        ("cases", "SELECT count(*) FROM cases_case", []),
        (
            "published",
            "SELECT count(*) FROM cases_case WHERE state = 'closed' AND published "
            "AND handling_mode = 'public'",
            [],
        ),
        (
            "open",
            "SELECT count(*) FROM cases_case WHERE state NOT IN ('closed','refused','declined')",
            [],
        ),
        (
            "awaiting dispatch at the city bureau",
            "SELECT count(*) FROM cases_part p JOIN organisation_unit u ON u.id = "
            "p.holder_bureau_id WHERE p.state = 'awaiting_dispatch' AND u.kind = "
            "'petition_bureau' AND u.level = 'city'",
            [],
        ),
        (
            f"open assignments at {BUSY_UNIT}",
            "SELECT count(*) FROM cases_assignment a JOIN organisation_unit u ON u.id = "
            "a.unit_id WHERE u.name = %s AND a.state NOT IN ('done', 'withdrawn')",
            [BUSY_UNIT],
        ),
        (
            f"cases with {RARE}",
            "SELECT count(*) FROM cases_case WHERE to_tsvector('simple'::regconfig, "
            "COALESCE(search_text, '')) @@ plainto_tsquery('simple'::regconfig, %s)",
            [RARE],
        ),
        ("clocks", "SELECT count(*) FROM cases_clock", []),
        ("events", "SELECT count(*) FROM cases_event", []),
        ("database", "SELECT pg_size_pretty(pg_database_size(current_database()))", []),
    ]
    with connection.cursor() as cursor:
        shown = []
        for name, sql, args in queries:
            cursor.execute(sql, args)
            value = cursor.fetchone()[0]
            shown.append(f"{name} {value:,}" if isinstance(value, int) else f"{name} {value}")
    say("database: " + "; ".join(shown))


def reuse() -> None:
    """The last run's database after code changes: migrate (new indexes),
    ANALYZE, settle what the worker would."""
    from django.core.management import call_command
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute("SELECT 1 FROM bench_pages_fill WHERE step = 'filled'")
        if cursor.fetchone() is None:
            sys.exit(f"{DB} holds no finished fill: run without --reuse (or with --resume)")
    t0 = time.perf_counter()
    call_command("migrate", verbosity=1)
    say(f"migrate: {time.perf_counter() - t0:.1f} s")
    t0 = time.perf_counter()
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE")
    say(f"ANALYZE: {time.perf_counter() - t0:.1f} s")
    settle()


# -- measuring -----------------------------------------------------------


def server_env() -> dict:
    return {
        **os.environ,
        "DATABASE_URL": URL,
        "HOTLINE_ENV": "production",
        "DJANGO_SETTINGS_MODULE": "hotline.settings",
        "SECRET_KEY": "bench-only",
        "ALLOWED_HOSTS": "127.0.0.1",
        "HOTLINE_PUBLIC_URL": "http://127.0.0.1",
        "HOTLINE_HTTPS": "0",  # gunicorn over plain HTTP on the loopback
        "HOTLINE_OUTBOX": "log",
        "REDIS_URL": REDIS,
        "LOG_LEVEL": "WARNING",
    }


def request(path: str, headers: dict | None = None, method="GET", body=None):
    """One request on a new connection (gunicorn's sync workers close each):
    status, headers, body, seconds."""
    t0 = time.perf_counter()
    conn = HTTPConnection("127.0.0.1", PORT, timeout=600)
    try:
        conn.request(method, path, body=body, headers=headers or {})
        response = conn.getresponse()
        data = response.read()
    finally:
        conn.close()
    return response.status, response.msg, data, time.perf_counter() - t0


def cookies(msg) -> dict:
    found = {}
    for header in msg.get_all("Set-Cookie") or []:
        name, _, value = header.split(";", 1)[0].partition("=")
        found[name.strip()] = value.strip()
    return found


def log_in(username: str) -> str:
    """The session key, through the login form as a person logs in."""
    status, msg, body, _s = request("/login/")
    assert status == 200, (username, status)
    csrf = cookies(msg)["csrftoken"]
    token = re.search(rb'name="csrfmiddlewaretoken" value="([^"]+)"', body).group(1).decode()
    form = urllib.parse.urlencode(
        {"csrfmiddlewaretoken": token, "username": username, "password": PASSWORD, "next": "/"}
    )
    status, msg, body, _s = request(
        "/login/",
        {"Cookie": f"csrftoken={csrf}", "Content-Type": "application/x-www-form-urlencoded"},
        "POST",
        form,
    )
    session = cookies(msg).get("sessionid")
    assert status == 302 and session, (username, status, body[:300])
    return session


def pages(reference: dict) -> list[dict]:
    """Every page measured: key, group, who, label, path."""
    q = urllib.parse.quote
    r = reference
    public = [
        ("portal_home", "portal home", "/portal/"),
        ("published", "published list", "/portal/published/"),
        ("published_later", "published list, page 6 (before)", r["later"]),
        ("portal_q_common", f"portal search {COMMON}", f"/portal/published/?q={q(COMMON)}"),
        ("portal_q_rare", f"portal search {RARE}", f"/portal/published/?q={q(RARE)}"),
        ("portal_q_absent", f"portal search {ABSENT}", f"/portal/published/?q={q(ABSENT)}"),
        ("published_case", "a published case", f"/portal/published/{r['published']}/"),
        ("portal_stats", "portal statistics", "/portal/statistics/"),
        ("open311_list", "Open311 requests.json limit 100", "/open311/v2/requests.json?limit=100"),
        ("open311_one", "Open311 one request", f"/open311/v2/requests/{r['published']}.json"),
    ]
    staff = [
        ("queue_busy", "queue, busy unit's handler", "city_handler", "/"),
        ("queue_dispatcher", "queue, city dispatcher", "city_dispatcher", "/"),
        ("queue_reviewer", "queue, city reviewer", "city_reviewer", "/"),
        ("cases_all", "case list p1 (city bureau)", "city_dispatcher", "/cases/"),
        ("cases_busy", "case list p1 (busy unit)", "city_handler", "/cases/"),
        (
            "cases_filtered",
            "case list status+category (city)",
            "city_dispatcher",
            f"/cases/?status=handling&category={r['category']}",
        ),
        ("cases_lapsed_busy", "case list lapsed (busy unit)", "city_handler", "/cases/?lapsed=on"),
        (
            "staff_q_common",
            f"staff search {COMMON} (city)",
            "city_dispatcher",
            f"/cases/?q={q(COMMON)}",
        ),
        ("staff_q_rare", f"staff search {RARE} (city)", "city_dispatcher", f"/cases/?q={q(RARE)}"),
        (
            "staff_q_absent",
            f"staff search {ABSENT} (city)",
            "city_dispatcher",
            f"/cases/?q={q(ABSENT)}",
        ),
        (
            "staff_q_busy",
            f"staff search {COMMON} (busy unit)",
            "city_handler",
            f"/cases/?q={q(COMMON)}",
        ),
        ("case_timeline", "case page, 300 events", "city_handler", f"/cases/{r['timeline']}/"),
        ("dashboard", "dashboard, this month", "city_supervisor", "/supervision/dashboard/"),
        ("dashboard_month", "dashboard, last month", "city_supervisor", r["last_month"]),
        ("ranking", "R12 annual ranking", "city_supervisor", "/supervision/ranking/"),
    ]
    api = [
        ("api_cases", "API cases limit 100", "/api/v1/cases?limit=100"),
        ("api_case", "API one case", f"/api/v1/cases/{r['api_case']}"),
    ]
    return (
        [{"key": k, "group": "public", "who": "", "label": lb, "path": p} for k, lb, p in public]
        + [{"key": k, "group": "staff", "who": w, "label": lb, "path": p} for k, lb, w, p in staff]
        + [{"key": k, "group": "api", "who": "token", "label": lb, "path": p} for k, lb, p in api]
    )


TARGETS = {"public": 300, "staff": 300, "api": 100}
STAFF_LOGINS = ("city_handler", "city_dispatcher", "city_reviewer", "city_supervisor")
PUBLIC_RATE = 100


def references() -> dict:
    """Cases and values the pages need, from the filled database."""
    from django.db import connection

    from hotline.cases.models import Case, Category

    with connection.cursor() as cursor:
        cursor.execute("SELECT key, value FROM bench_pages_meta")
        meta = {k: (v if isinstance(v, dict) else json.loads(v)) for k, v in cursor.fetchall()}
    fill_meta = meta["fill"]
    busy = fill_meta["sql"]["units"][0]
    middle = fill_meta["C0"] + fill_meta["cases"] // 2
    published = (
        Case.objects.filter(pk__gte=middle, state="closed", published=True, handling_mode="public")
        .order_by("pk")
        .values_list("number", flat=True)[:1]
    )
    # An open case at the busy department, for the API's case read.
    api_case = (
        Case.objects.filter(pk__gte=fill_meta["C0"], state="handling", assignments__unit=busy)
        .exclude(pk=meta["timeline"]["case"])
        .order_by("-pk")
        .values_list("number", flat=True)[:1]
    )
    today = date.today()
    last_month_end = today.replace(day=1) - timedelta(days=1)
    return {
        "published": published[0],
        "api_case": api_case[0],
        "timeline": meta["timeline"]["number"],
        "category": Category.objects.get(code="CG").pk,
        "busy": busy,
        "last_month": f"/supervision/dashboard/?from={last_month_end.replace(day=1)}"
        f"&to={last_month_end}",
    }


def later_page(hops: int = 5) -> str:
    """The published list followed `hops` times by its "older" link."""
    path = "/portal/published/"
    for _ in range(hops):
        status, _m, body, _s = request(path)
        assert status == 200, (path, status)
        link = re.search(rb'href="\?([^"]*before=[^"]*)"', body)
        assert link, "no link to older replies"
        path = "/portal/published/?" + html.unescape(link.group(1).decode())
    return path


def time_page(page: dict, headers: dict, timed: int) -> dict:
    statuses = []
    first = None
    timings = []
    warm = 4
    for i in range(1 + warm + timed):
        status, _m, _b, took = request(page["path"], headers)
        statuses.append(status)
        if i == 0:
            first = took
            if took > 5:  # a slow page: fewer runs, so the run ends
                warm, timed = 1, 5
        elif i > warm:
            timings.append(took)
        if i >= warm + timed:
            break
    bad = [s for s in statuses if s != 200]
    return {
        "load": round(os.getloadavg()[0], 2),
        "first_ms": ms(first),
        "n": len(timings),
        "p50_ms": ms(statistics.median(timings)),
        "p95_ms": ms(p95(timings)),
        "max_ms": ms(max(timings)),
        "non_200": len(bad),
        "statuses": sorted(set(statuses)),
    }


WRK_SCRIPT = r"""
function done(summary, latency, requests)
  io.write(string.format(
    "RESULT requests=%d seconds=%.3f status=%d connect=%d read=%d write=%d timeout=%d " ..
    "p50=%.1f p95=%.1f p99=%.1f\n",
    summary.requests, summary.duration / 1e6, summary.errors.status, summary.errors.connect,
    summary.errors.read, summary.errors.write, summary.errors.timeout,
    latency:percentile(50) / 1000, latency:percentile(95) / 1000, latency:percentile(99) / 1000))
end
"""


def wrk(path: str, seconds: int, connections: int, script: Path) -> dict:
    out = subprocess.run(
        [
            "wrk",
            "-t2",
            f"-c{connections}",
            f"-d{seconds}s",
            "--timeout",
            "5s",
            "-s",
            str(script),
            f"http://127.0.0.1:{PORT}{path}",
        ],
        check=True,
        capture_output=True,
        text=True,
    ).stdout
    line = next(line for line in out.splitlines() if line.startswith("RESULT"))
    result = dict(item.split("=") for item in line.split()[1:])
    sockets = sum(int(result[k]) for k in ("connect", "read", "write", "timeout"))
    return {
        "load": round(os.getloadavg()[0], 2),
        "rate": round(int(result["requests"]) / float(result["seconds"]), 1),
        "requests": int(result["requests"]),
        "status_errors": int(result["status"]),
        "socket_errors": sockets,
        "p50_ms": float(result["p50"]),
        "p95_ms": float(result["p95"]),
        "p99_ms": float(result["p99"]),
    }


def sql_pass() -> None:
    """In a process of its own, production settings: each page once
    through the test client, its statements captured, then explained."""
    spec = json.load(sys.stdin)
    import django

    django.setup()
    from django.core.cache import cache
    from django.db import connection, transaction
    from django.test import Client

    def capture(client, path) -> dict:
        sent = []

        def wrapper(execute, sql, params, many, context):
            t0 = time.perf_counter()
            try:
                return execute(sql, params, many, context)
            finally:
                sent.append((sql, params, many, time.perf_counter() - t0))

        with connection.execute_wrapper(wrapper):
            t0 = time.perf_counter()
            response = client.get(path)
            wall = time.perf_counter() - t0
        assert response.status_code == 200, (path, response.status_code)
        counted = [
            s for s in sent if not s[0].lstrip().upper().startswith(("SAVEPOINT", "RELEASE"))
        ]
        explained, failed, slowest = 0.0, 0, (0.0, "")
        for sql, params, many, _took in counted:
            if many or not sql.lstrip().upper().startswith(
                ("SELECT", "WITH", "UPDATE", "INSERT", "DELETE")
            ):
                failed += 1
                continue
            try:
                with transaction.atomic():
                    with connection.cursor() as cursor:
                        cursor.execute("EXPLAIN (ANALYZE, TIMING OFF, FORMAT JSON) " + sql, params)
                        plan = cursor.fetchone()[0]
                    transaction.set_rollback(True)
            except Exception:  # reported as not explained
                failed += 1
                continue
            plan = json.loads(plan) if isinstance(plan, str) else plan
            took = plan[0]["Planning Time"] + plan[0]["Execution Time"]
            explained += took
            if took > slowest[0]:
                slowest = (took, " ".join(sql.split())[:300])
        return {
            "statements": len(counted),
            "savepoints": len(sent) - len(counted),
            "sql_ms": ms(sum(s[3] for s in counted)),
            "pg_ms": round(explained, 1),
            "not_explained": failed,
            "slowest_ms": round(slowest[0], 1),
            "slowest_sql": slowest[1],
            "wall_ms": ms(wall),
        }

    found = {}
    for page in spec:
        headers = {"HTTP_HOST": "127.0.0.1"}
        if page.get("authorization"):
            headers["HTTP_AUTHORIZATION"] = page["authorization"]
        client = Client(**headers)
        if page.get("session"):
            client.cookies["sessionid"] = page["session"]
        try:
            for _ in range(2):
                client.get(page["path"])
            entry = {"kept": capture(client, page["path"])}
            if page["group"] == "public":
                cache.clear()  # as after a case is published: the page is computed
                entry["computed"] = capture(client, page["path"])
        except Exception as error:  # reported with the page
            entry = {"error": repr(error)[:500]}
        found[page["key"]] = entry
        print(f"  {page['key']}: {entry}", file=sys.stderr, flush=True)
    print("SQLPASS " + json.dumps(found, ensure_ascii=False))


def code_state() -> tuple[str, str]:
    """What gunicorn serves: the commit (with the application's files
    changed since, not bench/'s), and the application's tree with those
    changes, to tell whether it changed while measuring."""

    def git(*args):
        return subprocess.run(
            ["git", "-C", str(ROOT), *args], capture_output=True, text=True
        ).stdout.strip()

    changed = [line[3:] for line in git("status", "--porcelain", "--", "hotline").split("\n")]
    changed = [name for name in changed if name]
    shown = git("rev-parse", "--short", "HEAD")
    if changed:
        shown += f" + uncommitted {', '.join(changed)}"
    return shown, git("rev-parse", "HEAD:hotline") + git("diff", "HEAD", "--", "hotline")


def measure(args) -> list[dict]:
    import redis
    from django.contrib.auth.hashers import PBKDF2PasswordHasher

    from hotline.api.tokens import issue_token
    from hotline.organisation.models import Unit, User

    reference = references()
    # The demo was loaded with a quick hasher (bench/common.py) that
    # production settings do not accept: the logins get production's.
    for person in User.objects.filter(username__in=STAFF_LOGINS):
        if not person.password.startswith(PBKDF2PasswordHasher.algorithm):
            person.password = PBKDF2PasswordHasher().encode(PASSWORD, PBKDF2PasswordHasher().salt())
            person.save(update_fields=["password"])
    admin = User.objects.filter(is_superuser=True).first()
    _token, key = issue_token(
        actor=admin,
        name="bench-pages",
        user=User.objects.get(username="city_handler"),
        unit=Unit.objects.get(pk=reference["busy"]),
        actions=[],
        reads="unit",
    )
    measured_code = code_state()
    redis.Redis.from_url(REDIS).flushdb()
    static = tempfile.mkdtemp(prefix="hotline_bench_pages_static_")
    env = {**server_env(), "STATIC_ROOT": static}
    # Production serves hashed static files (whitenoise): collected into a
    # directory of this run's own.
    subprocess.run(
        [sys.executable, "-m", "django", "collectstatic", "--noinput", "--verbosity=0"],
        env=env,
        cwd=ROOT,
        check=True,
    )
    server = subprocess.Popen(
        [
            str(ROOT / ".venv" / "bin" / "gunicorn"),
            "hotline.wsgi",
            f"--workers={args.workers}",
            f"--bind=127.0.0.1:{PORT}",
            "--log-level=warning",
            # Slow pages are measured, not killed at gunicorn's 30 s.
            "--timeout=600",
        ],
        cwd=ROOT,
        env=env,
    )
    try:
        for _ in range(150):
            try:
                request("/portal/")  # any answer: the server is up
                break
            except OSError:
                time.sleep(0.2)
        sessions = {}
        reference["later"] = "/portal/published/"
        reference["later"] = later_page()
        measured = pages(reference)
        if args.only:
            words = args.only.split(",")
            measured = [p for p in measured if any(w in p["key"] for w in words)]
        for page in measured:
            if page["group"] == "staff" and page["who"] not in sessions:
                sessions[page["who"]] = log_in(page["who"])
        say(
            f"measuring {len(measured)} pages: gunicorn {args.workers} workers, "
            f"{args.requests} timed requests each"
        )
        for page in measured:
            headers = {}
            if page["group"] == "staff":
                headers["Cookie"] = f"sessionid={sessions[page['who']]}"
                page["session"] = sessions[page["who"]]
            elif page["group"] == "api":
                headers["Authorization"] = f"Bearer {key}"
                page["authorization"] = headers["Authorization"]
            page["http"] = time_page(page, headers, args.requests)
            h = page["http"]
            say(
                f"  {page['label']}: first {h['first_ms']:.0f} ms, p50 {h['p50_ms']:.0f} ms, "
                f"p95 {h['p95_ms']:.0f} ms (n={h['n']}), statuses {h['statuses']}"
            )
        say("statements and PostgreSQL time (a process of its own, production settings)")
        spec = [
            {k: p.get(k) for k in ("key", "group", "path", "session", "authorization")}
            for p in measured
        ]
        out = subprocess.run(
            [sys.executable, str(Path(__file__).resolve()), "--sql-pass"],
            input=json.dumps(spec),
            env=env,
            cwd=ROOT,
            capture_output=True,
            text=True,
        )
        line = next((x for x in out.stdout.splitlines() if x.startswith("SQLPASS ")), None)
        if line is None:
            say("the SQL pass failed:\n" + out.stderr[-3000:])
        else:
            found = json.loads(line[len("SQLPASS ") :])
            for page in measured:
                page["sql"] = found.get(page["key"])
        if not args.no_wrk:
            with tempfile.TemporaryDirectory() as tmp:
                script = Path(tmp) / "report.lua"
                script.write_text(WRK_SCRIPT)
                for page in measured:
                    if page["group"] != "public":
                        continue
                    page["wrk"] = wrk(page["path"], args.seconds, args.connections, script)
                    w = page["wrk"]
                    say(
                        f"  wrk {page['label']}: {w['rate']:.0f} requests/s, p95 "
                        f"{w['p95_ms']:.0f} ms, {w['status_errors']} HTTP errors, "
                        f"{w['socket_errors']} socket errors"
                    )
    finally:
        server.terminate()
        server.wait()
        shutil.rmtree(static, ignore_errors=True)
    if code_state()[1] != measured_code[1]:
        say("warning: hotline/ changed while measuring; the numbers may mix two versions")
    for page in measured:
        page["code"] = measured_code[0]
        page.pop("session", None)
        page.pop("authorization", None)
        page["target_ms"] = TARGETS[page["group"]]
        ok = page["http"]["p95_ms"] < page["target_ms"] and page["http"]["non_200"] == 0
        if page["group"] == "public" and "wrk" in page:
            w = page["wrk"]
            ok = ok and w["rate"] >= PUBLIC_RATE and w["status_errors"] + w["socket_errors"] == 0
        page["met"] = ok
    return measured


def table(measured: list[dict], connections: int) -> str:
    head = (
        "| page | who | first | p50 | p95 | target | stmts | SQL ms | PG ms "
        f"| computed: stmts / PG ms | wrk req/s (c={connections}) | wrk p95 | errors | verdict |"
    )
    lines = [head, "|" + " --- |" * (head.count("|") - 1)]
    for p in measured:
        h, s, w = p["http"], (p.get("sql") or {}), p.get("wrk")
        kept, computed = s.get("kept") or {}, s.get("computed")
        target = f"p95 < {p['target_ms']}" + (
            f", ≥ {PUBLIC_RATE}/s" if p["group"] == "public" else ""
        )
        lines.append(
            "| "
            + " | ".join(
                [
                    p["label"],
                    p["who"] or "public",
                    f"{h['first_ms']:.0f}",
                    f"{h['p50_ms']:.0f}",
                    f"{h['p95_ms']:.0f}",
                    target,
                    str(kept.get("statements", "?")),
                    f"{kept['sql_ms']:.1f}" if kept else "?",
                    f"{kept['pg_ms']:.1f}" if kept else "?",
                    f"{computed['statements']} / {computed['pg_ms']:.1f}" if computed else "",
                    f"{w['rate']:.0f}" if w else "",
                    f"{w['p95_ms']:.0f}" if w else "",
                    str(w["status_errors"] + w["socket_errors"] + h["non_200"])
                    if w
                    else str(h["non_200"]),
                    "met" if p["met"] else "**missed**",
                ]
            )
            + " |"
        )
    return "\n".join(lines)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--cases", type=int, default=10_000_000)
    parser.add_argument("--reuse", action="store_true", help="measure the last run's database")
    parser.add_argument("--resume", action="store_true", help="go on with an interrupted fill")
    parser.add_argument("--fill-only", action="store_true")
    parser.add_argument("--json", help="write the results to this file")
    parser.add_argument("--only", help="measure only pages whose key contains one of these")
    parser.add_argument("--requests", type=int, default=30)
    parser.add_argument("--seconds", type=int, default=10)
    parser.add_argument("--connections", type=int, default=8)
    parser.add_argument("--workers", type=int, default=4)
    parser.add_argument("--no-wrk", action="store_true")
    parser.add_argument("--sql-pass", action="store_true", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.sql_pass:
        sql_pass()
        return 0
    if not args.no_wrk and not shutil.which("wrk"):
        print("needs wrk: apt-get install -y wrk (or --no-wrk)")
        return 2
    started = time.perf_counter()
    if args.reuse:
        setup_django(URL)
        reuse()
    elif args.resume:
        setup_django(URL)
        fill(True, args.cases)
    else:
        fresh_demo_database(DB)
        fill(False, args.cases)
    say(f"ready to measure after {(time.perf_counter() - started) / 60:.1f} min")
    if args.fill_only:
        return 0
    measured = measure(args)
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute("SELECT value FROM bench_pages_meta WHERE key = 'fill'")
        meta = cursor.fetchone()[0]
        meta = meta if isinstance(meta, dict) else json.loads(meta)
    code = measured[0]["code"] if measured else code_state()[0]
    say(
        f"\n{meta['cases']:,} cases (filled {meta['moment']}), measured "
        f"{datetime.now(UTC):%Y-%m-%d %H:%M} UTC, code at {code}\n"
    )
    say(table(measured, args.connections))
    say(
        "\nms throughout. first: the first request (application cache empty); p50, p95: "
        f"{args.requests} sequential requests after 4 more; stmts: SQL statements a "
        "request sends (SAVEPOINT and RELEASE not counted); SQL ms: their time as Django "
        "saw it; PG ms: planning + execution of EXPLAIN (ANALYZE) of each; computed: a "
        "public page with the cache emptied (as after each publication); wrk: "
        f"{args.seconds} s; errors: HTTP status >= 400 and socket errors, and non-200 "
        "answers to the timed requests."
    )
    loads = [p[part]["load"] for p in measured for part in ("http", "wrk") if part in p]
    say(
        f"\nload average (1 min) on this machine while measuring: {min(loads):.1f} to "
        f"{max(loads):.1f} (2 cores, shared)"
    )
    missed = [p["label"] for p in measured if not p["met"]]
    say(f"\n{len(measured) - len(missed)} of {len(measured)} pages met their targets")
    if args.json:
        Path(args.json).write_text(
            json.dumps(
                {"code": code, "cases": meta["cases"], "pages": measured},
                ensure_ascii=False,
                indent=2,
            )
        )
    return 0 if not missed else 1


if __name__ == "__main__":
    sys.exit(main())
