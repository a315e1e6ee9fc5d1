#!/usr/bin/python3
"""Turns the rows bench/all.sh collected (metric, unit, berth, docker, budget; tab-separated) into
a Markdown table and a PNG chart. Usage: report.py RESULTS.tsv OUT.md OUT.png MACHINE COMMIT"""
import re
import sys
from datetime import datetime, timezone

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402
import matplotlib.ticker  # noqa: E402

results, markdown, chart, machine, commit = sys.argv[1:6]
order = ["run", "network", "monitor", "build", "pull", "daemon"]
tagged = []
for line in open(results):
    fields = line.rstrip("\n").split("\t")
    metric, unit, berth, docker, budget = fields[:5]
    bench = fields[5] if len(fields) > 5 else ""
    rank = order.index(bench) if bench in order else len(order)
    tagged.append((rank, (metric, unit, float(berth), float(docker), budget)))
rows = [row for _, row in sorted(tagged, key=lambda t: t[0])]


def higher_is_better(unit):
    return unit.endswith("/s")


def verdict(unit, berth, docker, budget):
    """'met', 'missed' or '' for a budget such as '<= 0.1x', '>= 1.0x' or '<= 4 MB'."""
    m = re.fullmatch(r"(<=|>=)\s*([\d.]+)\s*(x|\S+)", budget.strip())
    if not m:
        return ""
    op, limit, kind = m.group(1), float(m.group(2)), m.group(3)
    value = berth / docker if kind == "x" else berth
    return "met" if (value <= limit if op == "<=" else value >= limit) else "missed"


def number(x):
    return f"{x:,.1f}" if x < 100 else f"{x:,.0f}"


stamp = datetime.now(timezone.utc).strftime("%Y-%m-%d %H:%M UTC")
with open(markdown, "w") as out:
    out.write(f"# Berth benchmarks\n\nMeasured {stamp} on {machine}, berth {commit}. Docker is Debian's ")
    out.write("docker.io (dockerd 20.10) on its own roots, measured in the same run. Made by `bench/all.sh`.\n\n")
    out.write("| metric | Berth | Docker | Berth / Docker | budget | |\n| --- | ---: | ---: | ---: | --- | --- |\n")
    for metric, unit, berth, docker, budget in rows:
        ratio = f"{berth / docker:.3f}" if docker else "-"
        out.write(f"| {metric} | {number(berth)} {unit} | {number(docker)} {unit} | {ratio} | {budget} | "
                  f"{verdict(unit, berth, docker, budget)} |\n")
    out.write(f"\n![chart]({chart.rsplit('/', 1)[-1]})\n")

# How many times better than Docker each metric is (higher is better for every bar).
labels = [r[0] for r in rows]
gains = [(b / d if higher_is_better(u) else d / b) if b and d else 0 for _, u, b, d, _ in rows]
colors = ["#2a9d8f" if g >= 1 else "#e76f51" for g in gains]
fig, ax = plt.subplots(figsize=(10, 0.55 * len(rows) + 1.5))
ax.barh(range(len(rows)), gains, color=colors)
ax.set_yticks(range(len(rows)), labels, fontsize=8)
ax.invert_yaxis()
ax.set_xscale("log")
ax.set_xlim(min(gains + [1]) / 1.5, max(gains + [1]) * 1.6)
ax.xaxis.set_major_formatter(matplotlib.ticker.FuncFormatter(lambda x, _: f"{x:g}x"))
ax.xaxis.set_minor_formatter(matplotlib.ticker.NullFormatter())
ax.axvline(1, color="black", linewidth=0.8)
for i, g in enumerate(gains):
    ax.text(g, i, f" {g:.2f}x", va="center", fontsize=8)
ax.set_xlabel("times better than Docker in the same run (log scale; right of the line is better)")
ax.set_title(f"Berth vs Docker, {stamp}")
fig.tight_layout()
fig.savefig(chart, dpi=110)
