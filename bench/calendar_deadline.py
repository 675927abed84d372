"""Benchmark: 1,000,000 WorkCalendar.deadline() calls (target: under 5 s).

    .venv/bin/python bench/calendar_deadline.py

Start times are spread over 2025–2027 (confirmed and provisional years) and
periods over the policy's range (0 to 10 working days), so no cache of
recent answers could flatter the result.
"""

import random
import sys
import time
from datetime import datetime, timedelta

sys.path.insert(0, str(__import__("pathlib").Path(__file__).resolve().parent.parent))

from hotline.calendar.workdays import SHANGHAI, china_calendar

CALLS = 1_000_000
TARGET_SECONDS = 5.0


def main() -> int:
    calendar = china_calendar()
    rng = random.Random(12345)
    origin = datetime(2025, 1, 1, tzinfo=SHANGHAI)
    starts = [origin + timedelta(minutes=rng.randrange(3 * 365 * 24 * 60)) for _ in range(4096)]
    periods = [rng.randrange(0, 11) for _ in range(4096)]
    deadline = calendar.deadline

    t0 = time.perf_counter()
    for i in range(CALLS):
        deadline(starts[i & 4095], periods[i & 4095])
    elapsed = time.perf_counter() - t0

    print(f"{CALLS:,} deadline() calls in {elapsed:.2f} s ({CALLS / elapsed:,.0f}/s)")
    print(
        f"target: under {TARGET_SECONDS:.0f} s -> {'met' if elapsed < TARGET_SECONDS else 'MISSED'}"
    )
    return 0 if elapsed < TARGET_SECONDS else 1


if __name__ == "__main__":
    sys.exit(main())
