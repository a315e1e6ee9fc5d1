#!/usr/bin/env python3
"""Writes berth's link order (scripts/order-file.sh).

  order-file.py BINARY OUT PROFILE…    the functions that callgrind profiles saw run, in the
                                       order of the profiles
  order-file.py BINARY OUT --faults F  appends to OUT the functions whose code page-faulted
                                       and are not in it yet (F: the output of `perf script
                                       --show-mmap-events -F pid,addr,ip,dso` for page-fault
                                       events)

Only names the binary defines are kept (the linker would ignore the rest anyway)."""
import bisect
import re
import subprocess
import sys


def functions(binary):
    """The binary's functions: sorted start addresses, their sizes and their names."""
    rows = []
    listing = subprocess.run(["nm", "-S", "--defined-only", binary], capture_output=True, text=True, check=True)
    for line in listing.stdout.splitlines():
        parts = line.split(None, 3)
        if len(parts) == 4 and parts[2] in "tTwW":
            rows.append((int(parts[0], 16), int(parts[1], 16), parts[3]))
    rows.sort()
    return [r[0] for r in rows], [r[1] for r in rows], [r[2] for r in rows]


def callgrind_functions(path):
    for line in open(path, errors="replace"):
        # callgrind names a function once as "fn=(id) name" (or cfn=, for a callee), then "(id)".
        m = re.match(r"^c?fn=\(\d+\) (.+)$", line.rstrip("\n"))
        if m:
            yield re.sub(r"'\d+$", "", m.group(1))  # "'2": a recursion level, not part of the name


def faulting_functions(path, starts, sizes, names):
    base = {}  # pid: where berth's first segment (file offset 0, address 0) is mapped
    for line in open(path, errors="replace"):
        m = re.search(r"^\s*(\d+)\s+PERF_RECORD_MMAP2 .*\[(0x[0-9a-f]+)\(0x[0-9a-f]+\) @ 0 .*/berth$", line)
        if m:
            base.setdefault(m.group(1), int(m.group(2), 16))
            continue
        # "pid addr (dso) ip (dso)": an instruction fetch faults where addr is the ip.
        m = re.match(r"^\s*(\d+)\s+([0-9a-f]+)\s+\((\S+)\)\s+([0-9a-f]+)", line)
        if not m or m.group(2) != m.group(4) or not m.group(3).endswith("/berth") or m.group(1) not in base:
            continue
        address = int(m.group(2), 16) - base[m.group(1)]
        i = bisect.bisect_right(starts, address) - 1
        if i >= 0 and address < starts[i] + max(sizes[i], 1):
            yield names[i]


binary, out, rest = sys.argv[1], sys.argv[2], sys.argv[3:]
starts, sizes, all_names = functions(binary)
defined = set(all_names)
if rest[0] == "--faults":
    names = [n.strip() for n in open(out) if n.strip()]
    found = faulting_functions(rest[1], starts, sizes, all_names)
else:
    names = []
    found = (name for profile in rest for name in callgrind_functions(profile))
seen = set(names)
before = len(names)
for name in found:
    if name in defined and name not in seen:
        seen.add(name)
        names.append(name)
with open(out, "w") as f:
    f.write("\n".join(names) + "\n")
print(f"{out}: {len(names)} functions ({len(names) - before} new)")
