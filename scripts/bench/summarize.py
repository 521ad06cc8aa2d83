#!/usr/bin/env python3
"""Turns the per-round results of compare-proxies.sh into the markdown tables it prints: medians over the rounds
per scenario and target, and the ratios of bluegreen to HAProxy and to nginx. Reads either file the script writes:
results.tsv (wrk, HTTP/1.1) or h2-results.tsv (h2load, HTTP/2 with prior knowledge).

usage: summarize.py RESULTS.tsv
"""

import csv
import statistics
import sys
from collections import OrderedDict

ORDER = ["direct", "bluegreen", "bluegreen-tuned", "haproxy", "nginx"]
LABELS = {"direct": "no proxy (direct)", "bluegreen": "bluegreen",
          "bluegreen-tuned": "bluegreen-tuned (TUNED_JAVA_OPTS, TUNED_JAR)", "haproxy": "HAProxy", "nginx": "nginx"}
# The rows of the ratio table: (numerator, denominator).
RATIOS = [("bluegreen", "haproxy"), ("bluegreen", "nginx"), ("bluegreen-tuned", "haproxy"),
          ("bluegreen-tuned", "nginx"), ("bluegreen-tuned", "bluegreen")]
H2_LABELS = dict(LABELS, direct="no proxy (backend nginx over h2c)")


def median(rows, key):
    values = [float(r[key]) for r in rows if r[key] not in ("", "-")]
    return statistics.median(values) if values else None


def fmt(value, digits=1):
    return "-" if value is None else f"{value:,.{digits}f}"


def ratio(a, b):
    return "-" if a is None or b is None or b == 0 else f"{a / b:.2f}"


def paired(targets, a, b, key):
    """The median over the rounds of a's figure over b's in the same round: two builds measured round by round
    against the same moods of the machine, steadier than a ratio of their medians."""
    theirs = {r["round"]: r for r in targets[b]}
    values = [float(r[key]) / float(theirs[r["round"]][key]) for r in targets[a]
              if r["round"] in theirs and r[key] not in ("", "-") and theirs[r["round"]][key] not in ("", "-", "0")]
    return "-" if not values else f"{statistics.median(values):.2f}"


def paired_row(targets, keys):
    """The row of bluegreen-tuned / bluegreen by rounds, if both ran."""
    if "bluegreen-tuned" not in targets or "bluegreen" not in targets:
        return None
    cells = " | ".join(paired(targets, "bluegreen-tuned", "bluegreen", k) for k in keys)
    return f"| {LABELS['bluegreen-tuned']} / bluegreen, median of the rounds' ratios | {cells} |"


def by_scenario(rows):
    scenarios = OrderedDict()
    for row in rows:
        scenarios.setdefault(row["scenario"], OrderedDict()).setdefault(row["target"], []).append(row)
    return scenarios


def ordered(targets):
    return sorted(targets, key=lambda t: ORDER.index(t) if t in ORDER else 99)


def print_h2(rows):
    """h2load's figures: req/s, mean time per request (h2load prints no percentiles), CPU per request."""
    for scenario, targets in by_scenario(rows).items():
        rounds = max(len(r) for r in targets.values())
        print(f"### {scenario} (medians of {rounds} rounds)")
        print()
        print("| target | req/s | mean ms | proxy CPU µs/req | of which user | backend CPU µs/req | non-2xx | failed |")
        print("| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: |")
        medians = {}
        for target in ordered(targets):
            r = targets[target]
            m = {k: median(r, k) for k in ("rps", "mean_us", "proxy_us_per_req", "proxy_user_us_per_req",
                                         "backend_us_per_req")}
            m["non2xx"] = sum(int(x["non2xx"]) for x in r)
            m["failed"] = sum(int(x["failed"]) for x in r)
            medians[target] = m
            print(f"| {H2_LABELS.get(target, target)} | {fmt(m['rps'], 0)} | {fmt(m['mean_us'] / 1000, 3)} "
                  f"| {fmt(m['proxy_us_per_req'])} | {fmt(m['proxy_user_us_per_req'])} "
                  f"| {fmt(m['backend_us_per_req'])} | {m['non2xx']} | {m['failed']} |")
        rows = [(a, b) for a, b in RATIOS if a in medians and b in medians]
        if rows:
            print()
            print("| ratio | req/s (≥ 1 is better) | mean time (≤ 1 is better) "
                  "| proxy CPU/req (≤ 1 is better) | user CPU/req |")
            print("| --- | ---: | ---: | ---: | ---: |")
            for a, b in rows:
                x, o = medians[a], medians[b]
                print(f"| {LABELS[a]} / {LABELS[b]} | {ratio(x['rps'], o['rps'])} "
                      f"| {ratio(x['mean_us'], o['mean_us'])} "
                      f"| {ratio(x['proxy_us_per_req'], o['proxy_us_per_req'])} "
                      f"| {ratio(x['proxy_user_us_per_req'], o['proxy_user_us_per_req'])} |")
            by_rounds = paired_row(targets, ("rps", "mean_us", "proxy_us_per_req", "proxy_user_us_per_req"))
            if by_rounds:
                print(by_rounds)
        print()


def main():
    with open(sys.argv[1]) as f:
        rows = list(csv.DictReader(f, delimiter="\t"))
    if rows and "mean_us" in rows[0]:
        print_h2(rows)
        return
    scenarios = by_scenario(rows)
    for scenario, targets in scenarios.items():
        rounds = max(len(r) for r in targets.values())
        print(f"### {scenario} (medians of {rounds} rounds)")
        print()
        print("| target | req/s | p50 ms | p99 ms | p50 added vs direct ms | proxy CPU µs/req | of which user "
              "| backend CPU µs/req | non-2xx | socket errors |")
        print("| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |")
        medians = {}
        for target in ordered(targets):
            r = targets[target]
            m = {k: median(r, k) for k in ("rps", "p50_us", "p99_us", "proxy_us_per_req", "proxy_user_us_per_req",
                                         "backend_us_per_req")}
            m["non2xx"] = sum(int(x["non2xx"]) for x in r)
            m["errors"] = sum(int(x["socket_errors"]) for x in r)
            medians[target] = m
        direct_p50 = medians.get("direct", {}).get("p50_us")
        for target, m in medians.items():
            added = None if direct_p50 is None or target == "direct" else (m["p50_us"] - direct_p50) / 1000
            print(f"| {LABELS.get(target, target)} | {fmt(m['rps'], 0)} | {fmt(m['p50_us'] / 1000, 3)} "
                  f"| {fmt(m['p99_us'] / 1000, 3)} | {fmt(added, 3)} | {fmt(m['proxy_us_per_req'])} "
                  f"| {fmt(m['proxy_user_us_per_req'])} "
                  f"| {fmt(m['backend_us_per_req'])} | {m['non2xx']} | {m['errors']} |")
        rows = [(a, b) for a, b in RATIOS if a in medians and b in medians]
        if rows:
            print()
            print("| ratio | req/s (≥ 1 is better) | p99 (≤ 1 is better) | proxy CPU/req (≤ 1 is better) "
                  "| user CPU/req |")
            print("| --- | ---: | ---: | ---: | ---: |")
            for a, b in rows:
                x, o = medians[a], medians[b]
                print(f"| {LABELS[a]} / {LABELS[b]} | {ratio(x['rps'], o['rps'])} | {ratio(x['p99_us'], o['p99_us'])} "
                      f"| {ratio(x['proxy_us_per_req'], o['proxy_us_per_req'])} "
                      f"| {ratio(x['proxy_user_us_per_req'], o['proxy_user_us_per_req'])} |")
            by_rounds = paired_row(targets, ("rps", "p99_us", "proxy_us_per_req", "proxy_user_us_per_req"))
            if by_rounds:
                print(by_rounds)
        print()


if __name__ == "__main__":
    main()
