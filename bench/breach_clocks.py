"""Benchmark: breach_due_clocks over 1,000,000 running clocks of which
10,000 are due (target: under 2 seconds, on PostgreSQL).

    .venv/bin/python bench/breach_clocks.py [open] [due]

Creates a fresh database `hotline_bench_clocks`, migrates it, loads the demo
organisation, and fills it with SQL: 20,000 cases and `open` running clocks,
`due` of them past due (half reply clocks, which flag the case lapsed and
record a violation; half read clocks, which record a late read).
"""

import sys
import time

from common import fresh_demo_database

DB = "hotline_bench_clocks"
TARGET_SECONDS = 2.0


def main() -> int:
    total = int(sys.argv[1]) if len(sys.argv) > 1 else 1_000_000
    due = int(sys.argv[2]) if len(sys.argv) > 2 else 10_000
    fresh_demo_database(DB)
    from django.db import connection

    from hotline.cases.clocks import breach_due_clocks
    from hotline.organisation.models import Unit
    from hotline.policy.models import Policy

    unit = Unit.objects.get(name="福州市城市管理委员会").pk
    policy = Policy.objects.get().pk
    cases = 20_000
    t0 = time.perf_counter()
    with connection.cursor() as cursor:
        cursor.execute(
            "INSERT INTO cases_requester (kind, name, phone, id_number, email, address) "
            "SELECT 'person', '', '139' || lpad(g::text, 8, '0'), '', '', '' "
            "FROM generate_series(1, %s) g",
            [cases],
        )
        cursor.execute(
            "INSERT INTO cases_case (number, channel, requester_id, content, location, "
            "disclosure_allowed, received_at, policy_id, state, handling_mode, city_final_review, "
            "flag_overdue, flag_lapsed, flag_repeat, result, published, satisfaction, "
            "rating_comment, version, search_text, query_code_hash, request_type_id) "
            "SELECT 'FZ' || lpad(r.id::text, 13, '0'), 'phone', r.id, '测试', '', true, "
            "now() - interval '30 days', %s, 'handling', 'public', false, false, false, false, "
            "'', false, '', '', 1, '测试', '', "
            "(SELECT id FROM cases_requesttype WHERE code = 'help') "
            "FROM cases_requester r WHERE r.phone LIKE '139%%'",
            [policy],
        )
        cursor.execute(
            "INSERT INTO cases_clock (kind, case_id, unit_id, working_days, started_at, due_at, "
            "provisional) "
            "SELECT CASE WHEN g <= %(due)s AND g %% 2 = 0 THEN 'reply' "
            "            WHEN g <= %(due)s THEN 'read' ELSE 'reply' END, "
            "       c.first + (g %% %(cases)s), %(unit)s, 10, now() - interval '20 days', "
            "       CASE WHEN g <= %(due)s THEN now() - interval '1 hour' "
            "            ELSE now() + (g %% 1000) * interval '1 minute' + interval '1 day' END, "
            "       false "
            "FROM generate_series(1, %(total)s) g, "
            "(SELECT min(id) AS first FROM cases_case WHERE number LIKE 'FZ0%%') c",
            {"due": due, "cases": cases, "unit": unit, "total": total},
        )
        cursor.execute("ANALYZE cases_clock")
    print(f"setup: {cases:,} cases, {total:,} running clocks in {time.perf_counter() - t0:.1f} s")

    t0 = time.perf_counter()
    report = breach_due_clocks()
    elapsed = time.perf_counter() - t0
    print(
        f"breach_due_clocks: {report.breached:,} breached, {report.violations:,} violations "
        f"in {elapsed:.2f} s"
    )
    t0 = time.perf_counter()
    again = breach_due_clocks()
    print(
        f"second run (nothing due): {again.breached} breached in {time.perf_counter() - t0:.3f} s"
    )
    ok = elapsed < TARGET_SECONDS and report.breached == due
    verdict = "met" if ok else "MISSED"
    print(f"target: {due:,} of {total:,} in under {TARGET_SECONDS:.0f} s -> {verdict}")
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
