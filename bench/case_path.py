"""Benchmark: the full path of a case, register to close (target: at least
100 cases per second in one process on PostgreSQL).

    .venv/bin/python bench/case_path.py [cases]

Creates a fresh database `hotline_bench` on the local PostgreSQL (or uses
BENCH_DATABASE_URL), migrates it and loads the demo organisation, then moves
each case through 12 actions: register (with forward), accept, classify,
dispatch, read, instruct, draft reply, approve, review, close, rate.
"""

import os
import sys
import time

from common import fresh_demo_database, setup_django

TARGET = 100


def main() -> int:
    cases = int(sys.argv[1]) if len(sys.argv) > 1 else 1000
    if "BENCH_DATABASE_URL" in os.environ:
        setup_django(os.environ["BENCH_DATABASE_URL"])
    else:
        fresh_demo_database("hotline_bench")
    from hotline.cases import actions
    from hotline.cases.actions import PartPlan, RequesterDetails
    from hotline.cases.models import Category
    from hotline.organisation.models import Unit, User

    agent, dispatcher, reviewer, handler, leader = (
        User.objects.get(username=u)
        for u in ("agent", "city_dispatcher", "city_reviewer", "city_handler", "city_leader")
    )
    category = Category.objects.get(code="CG")
    unit = Unit.objects.get(name="福州市城市管理委员会")

    def one(i):
        case = actions.register_case(
            actor=agent,
            channel="phone",
            requester=RequesterDetails(name="测试", phone=f"139{i:08d}"),
            content=f"第{i}号测试诉求：路灯损坏，请维修。",
            disclosure_allowed=True,
            category=category,
        )
        actions.accept_case(actor=dispatcher, case=case)
        actions.classify_case(actor=dispatcher, case=case, mode="public")
        actions.dispatch_case(actor=dispatcher, case=case, parts=[PartPlan(sole=unit)])
        assignment = case.assignments.get()
        actions.read_assignment(actor=handler, assignment=assignment)
        actions.instruct_assignment(actor=leader, assignment=assignment, instruction="办理")
        actions.draft_reply(actor=handler, assignment=assignment, content="已修复。")
        actions.approve_reply(actor=leader, assignment=assignment)
        actions.review_reply(actor=reviewer, part=assignment.part, approve=True)
        actions.close_case(actor=reviewer, case=case)
        actions.rate_case(case=case, satisfaction="satisfied")

    for i in range(20):  # warm up connections and caches
        one(i)
    t0 = time.perf_counter()
    for i in range(20, 20 + cases):
        one(i)
        if os.environ.get("BENCH_PROGRESS") and i % 100 == 19:
            print(f"  {i - 19} cases: {time.perf_counter() - t0:.1f} s", flush=True)
    elapsed = time.perf_counter() - t0
    rate = cases / elapsed
    print(
        f"{cases} cases x 12 actions in {elapsed:.2f} s: {rate:.0f} cases/s "
        f"({elapsed / cases * 1000:.1f} ms per case)"
    )
    print(f"target: at least {TARGET} cases/s -> {'met' if rate >= TARGET else 'MISSED'}")
    return 0 if rate >= TARGET else 1


if __name__ == "__main__":
    sys.exit(main())
