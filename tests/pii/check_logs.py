#!/usr/bin/env python3
"""No customer's personal data in any log line or metric label of the whole test run (PIPL).

  check_logs.py --logs DIR [--source SRC] [--names FILE]...

Reads every file under DIR (tools/test's TOUSU_TEST_LOG_DIR: each service process's stdout and
stderr, integration tests' own output, and *.metrics scrapes of /metrics taken where a stack
stopped) and fails, listing file:line with the match masked, on:
  - a mainland mobile number: 11 digits starting 1[3-9], not inside a longer run of digits or
    letters (request ids are hex), not a decimal's digits (13-digit epoch milliseconds and
    complaint numbers like TS-202611-000123 do not match);
  - a landline written with its area code: 010-12345678, 0755-1234567;
  - an email address (a masked one, z***@example.com, does not match);
  - a customer name the test data uses (see customer_names() below).
Fails too when DIR is missing or holds no log: a check that checks nothing is not a check.
"""

import argparse
import os
import re
import sys

ALNUM = "0-9A-Za-z"
MOBILE = re.compile(rf"(?<![{ALNUM}.])1[3-9][0-9]{{9}}(?![{ALNUM}])(?!\.[0-9])")
LANDLINE = re.compile(rf"(?<![{ALNUM}.-])0[0-9]{{2,3}}-[0-9]{{7,8}}(?![{ALNUM}])(?!\.[0-9])")
EMAIL = re.compile(r"[A-Za-z0-9._%+-]+@[A-Za-z0-9-]+(?:\.[A-Za-z0-9-]+)*\.[A-Za-z]{2,}")

# Where the test data makes customers' names, read automatically so that a name added there is
# checked without anyone remembering this file: (source file, regex whose group 1 is the name,
# or whose match is a block of "..." names).
NAME_SOURCES = [
    # simulate's plan draws from this list (tousuctl simulate, analytics/staff e2e, faults).
    ("tools/simulate/plan.cc", re.compile(r"CustomerNames\(\)\s*\{(.*?)\};", re.S), "block"),
    ("tools/loadgen/submissions.cc", re.compile(r'set_customer_name\("([^"]+)"\)'), "one"),
    ("tools/faults/faults.cc", re.compile(r'set_customer_name\("([^"]+)"\)'), "one"),
    ("tests/e2e", re.compile(r'set_customer_name\("([^"]+)"\)'), "one"),
    ("tests/integration", re.compile(r'set_customer_name\("([^"]+)"\)'), "one"),
    ("tests/integration", re.compile(r'constexpr char kName\[\]\s*=\s*"([^"]+)"'), "one"),
    ("tests/ops/stack_prometheus_test.py", re.compile(r'"--name",\s*"([^"]+)"'), "one"),
    ("tests/backup/backup_restore_test.sh", re.compile(r"submit --name (\S+)"), "one"),
    ("README.md", re.compile(r"submit --name (\S+)"), "one"),
]
# The simulate list alone has 15; fewer means the extraction above no longer fits the source.
MIN_EXTRACTED_NAMES = 15


def names_from_source(src):
    found = set()
    for rel, pattern, kind in NAME_SOURCES:
        path = os.path.join(src, rel)
        files = [path] if os.path.isfile(path) else [
            os.path.join(d, f) for d, _, fs in os.walk(path) for f in fs if f.endswith((".cc", ".h"))]
        for f in files:
            text = open(f, encoding="utf-8", errors="replace").read()
            for m in pattern.finditer(text):
                if kind == "block":
                    found.update(re.findall(r'"([^"]+)"', m.group(1)))
                else:
                    found.add(m.group(1))
    return found


def names_from_files(paths):
    found = set()
    for path in paths:
        for line in open(path, encoding="utf-8"):
            line = line.split("#", 1)[0].strip()
            if line:
                found.add(line)
    return found


def expand(names):
    """A name and, for "欧阳娜娜 O'Brien", each of its space-separated parts of two characters or more."""
    out = set()
    for n in names:
        out.add(n)
        out.update(p for p in n.split() if len(p) >= 2)
    return out


def mask(kind, s):
    if kind == "email":
        local, _, domain = s.partition("@")
        return f"{local[:1]}***@{domain}"
    if kind == "name":
        return s[:1] + "*" * (len(s) - 1)
    digits = s
    return digits[:3] + "*" * max(len(digits) - 7, 4) + digits[-4:] if len(digits) > 8 else "****"


def scan(log_dir, names):
    problems, files = [], 0
    name_re = re.compile("|".join(re.escape(n) for n in sorted(names, key=len, reverse=True))) if names else None
    for d, _, fs in sorted(os.walk(log_dir)):
        for f in sorted(fs):
            path = os.path.join(d, f)
            files += 1
            with open(path, encoding="utf-8", errors="replace") as fh:
                for number, line in enumerate(fh, 1):
                    hits = [("mobile", m.group(0)) for m in MOBILE.finditer(line)]
                    hits += [("landline", m.group(0)) for m in LANDLINE.finditer(line)]
                    hits += [("email", m.group(0)) for m in EMAIL.finditer(line)]
                    if name_re:
                        hits += [("name", m.group(0)) for m in name_re.finditer(line)]
                    for kind, text in hits:
                        problems.append(f"{os.path.relpath(path, log_dir)}:{number}: {kind} {mask(kind, text)}")
    return problems, files


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--logs", required=True, help="the run's log folder (TOUSU_TEST_LOG_DIR)")
    ap.add_argument("--source", help="the source tree, to read the test data's customer names from")
    ap.add_argument("--names", action="append", default=[], help="a file of further names, one a line")
    a = ap.parse_args()

    names = set()
    if a.source:
        names = names_from_source(a.source)
        if len(names) < MIN_EXTRACTED_NAMES:
            print(f"FAIL: only {len(names)} customer names found in the test data's sources; "
                  f"NAME_SOURCES in {sys.argv[0]} no longer fits them")
            return 1
    names |= names_from_files(a.names)
    names = expand(names)

    if not os.path.isdir(a.logs):
        print(f"FAIL: no log folder {a.logs}: run the tests through tools/test (TOUSU_TEST_LOG_DIR)")
        return 1
    problems, files = scan(a.logs, names)
    if files == 0:
        print(f"FAIL: {a.logs} holds no log: no test left its services' logs there, nothing was checked")
        return 1
    for p in problems[:200]:
        print("FAIL:", p)
    if len(problems) > 200:
        print(f"... and {len(problems) - 200} more")
    print(f"{files} files in {a.logs} checked for phones, landlines, emails and {len(names)} customer names: "
          f"{len(problems)} found")
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main())
