"""Benchmark of the budget-pooling model (run by `make bench`).

Prints, on this machine: one deterministic scenario; a Monte Carlo run of
10,000 draws over 10 years for every organisation, under each arrangement
(median of several runs), the integrated care board (icb) among them; peak
memory of one such run; and the same Monte Carlo done by a plain per-draw
Python loop, kept here as the reference, with the ratio, for the alliance
(acs, all 10,000 draws) and the ICB (its first 2,000 draws, to spare the
machine). It checks that each loop and its vectorised run agree.
Aim: the Monte Carlo run under 100 ms, so a slider can re-run it while a
reader drags.
"""

from __future__ import annotations

import statistics
import sys
import time
import tracemalloc

import numpy as np
import pandas as pd

from carepool.arrangements import all_arrangements, arrangement
from carepool.care import care, draw_shocks
from carepool.place import SERVICES, default_place
from carepool.simulation import simulate

DRAWS, YEARS, SEED, REPEATS = 10_000, 10, 2002, 7
AIM_MS = 100.0


def timed(fn, repeats=REPEATS):
    """Median wall time in ms over `repeats` runs (after one warm-up), and the last result."""
    fn()
    times = []
    for _ in range(repeats):
        start = time.perf_counter()
        result = fn()
        times.append((time.perf_counter() - start) * 1000)
    return statistics.median(times), result


def per_draw_loop(place, arr, draws, years, seed):
    """The reference: the same draws of demand shocks, settled one draw at a time in a Python loop."""
    shocks = draw_shocks(place, draws, years, seed)
    rows = []
    for d in range(draws):
        one = {s: shocks[s][d:d + 1] for s in SERVICES}
        books = arr.settle(place, care(place, one))
        for org, book in books.books.items():
            for y in range(years):
                income, cost = float(book["income"][0, y]), float(book["cost"][0, y])
                rows.append({"organisation": org, "year": y + 1, "draw": d, "income": income, "cost": cost,
                             "surplus": income - cost})
    return pd.DataFrame(rows)


def main() -> int:
    place = default_place(years=YEARS)
    print(f"Budget-pooling model benchmark: {DRAWS:,} draws x {YEARS} years, seed {SEED}, "
          f"median of {REPEATS} runs\n")

    ms, df = timed(lambda: simulate(place, "silos"))
    print(f"one deterministic scenario (silos, {len(df)} rows):  {ms:8.2f} ms")
    every = all_arrangements()
    ms, _ = timed(lambda: [simulate(place, a) for a in every])
    print(f"deterministic scenario, all {len(every)} arrangements:    {ms:8.2f} ms\n")

    print("Monte Carlo, every organisation, tidy frame returned:")
    worst = 0.0
    for arr in all_arrangements():
        ms, df = timed(lambda: simulate(place, arr, draws=DRAWS, seed=SEED))
        worst = max(worst, ms)
        verdict = "within" if ms < AIM_MS else "OVER"
        print(f"  {arr.name:<10} {len(df):>9,} rows  {ms:8.2f} ms  ({verdict} the {AIM_MS:.0f} ms aim)")

    tracemalloc.start()
    simulate(place, "acs", draws=DRAWS, seed=SEED)
    _, peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    print(f"\npeak memory of one Monte Carlo run (acs, tracemalloc): {peak / 2**20:.1f} MiB")

    agree = all([loop_reference(place, "acs", DRAWS), loop_reference(place, "icb", 2_000)])
    print(f"\nslowest Monte Carlo run: {worst:.1f} ms (aim: under {AIM_MS:.0f} ms)")
    return 0 if agree else 1


def loop_reference(place, name: str, draws: int) -> bool:
    """Time the per-draw loop against the vectorised run for one arrangement; True if they agree."""
    arr = arrangement(name)
    vector_ms, fast = timed(lambda: simulate(place, arr, draws=draws, seed=SEED))
    start = time.perf_counter()
    slow = per_draw_loop(place, arr, draws, YEARS, SEED)
    loop_ms = (time.perf_counter() - start) * 1000
    label = f"{name}, {draws:,} draws"
    print(f"\nreference per-draw Python loop ({label}): {loop_ms:10.1f} ms")
    print(f"vectorised run ({label}):                 {vector_ms:10.1f} ms")
    print(f"speed-up:                             {loop_ms / vector_ms:10.0f} x")
    key = ["organisation", "draw", "year"]
    a = fast.assign(organisation=fast["organisation"].astype(str)).sort_values(key).reset_index(drop=True)
    b = slow.sort_values(key).reset_index(drop=True)
    agree = (a[key].equals(b[key])
             and all(np.allclose(a[c], b[c], rtol=1e-12, atol=1e-6) for c in ("income", "cost", "surplus")))
    print(f"loop and vectorised run agree:        {'yes' if agree else 'NO'}")
    return agree


if __name__ == "__main__":
    sys.exit(main())
