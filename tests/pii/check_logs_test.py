#!/usr/bin/env python3
"""Self-test of check_logs.py: it fails on a synthetic log holding a phone, an email and a customer
name (each reported masked, with file:line), on a missing or empty folder, and passes a clean log
full of things that only look like personal data (complaint numbers, epoch milliseconds, masked
values, request ids)."""

import os
import subprocess
import sys
import tempfile

CHECK = os.path.join(os.path.dirname(os.path.abspath(__file__)), "check_logs.py")
SOURCE = os.path.abspath(sys.argv[1]) if len(sys.argv) > 1 else None
failures = []


def run(log_dir, *extra):
    args = [sys.executable, CHECK, "--logs", log_dir, *extra]
    if SOURCE:
        args += ["--source", SOURCE]
    r = subprocess.run(args, capture_output=True, text=True)
    return r.returncode, r.stdout + r.stderr


def expect(what, cond, out):
    if not cond:
        failures.append(f"{what}\n{out}")


with tempfile.TemporaryDirectory() as tmp:
    names = os.path.join(tmp, "names.txt")
    open(names, "w", encoding="utf-8").write("# synthetic\n宋小宝\n")

    leaky = os.path.join(tmp, "leaky")
    os.makedirs(leaky)
    open(os.path.join(leaky, "intake.log"), "w", encoding="utf-8").write(
        '{"level":"info","msg":"submitted","request_id":"r1"}\n'
        '{"level":"info","msg":"submitted","customer_phone":"13812345678"}\n'
        '{"level":"warn","msg":"bad input","email":"nana.ouyang@example.com"}\n'
        '{"level":"info","msg":"customer 宋小宝 called"}\n'
        '{"level":"info","msg":"landline","tel":"0755-1234567"}\n')
    open(os.path.join(leaky, "intake.metrics"), "w", encoding="utf-8").write(
        'tousu_intake_x_total{customer="陈美玲"} 1\n')
    code, out = run(leaky, "--names", names)
    expect("a leaky log fails", code != 0, out)
    expect("the phone is reported masked with file:line",
           "intake.log:2: mobile 138****5678" in out and "13812345678" not in out, out)
    expect("the email is reported masked", "intake.log:3: email n***@example.com" in out
           and "nana.ouyang" not in out, out)
    expect("a name from --names is reported masked", "intake.log:4: name 宋**" in out and "宋小宝" not in out, out)
    expect("a landline is reported", "intake.log:5: landline" in out and "1234567" not in out, out)
    if SOURCE:  # names read from the test data's sources, in a metric label
        expect("a test-data name in a metric label is reported", "intake.metrics:1: name 陈**" in out, out)

    clean = os.path.join(tmp, "clean")
    os.makedirs(clean)
    open(os.path.join(clean, "routing.log"), "w", encoding="utf-8").write(
        '{"ts":"2026-11-26T03:00:00.123Z","level":"info","number":"TS-202611-000123",'
        '"request_id":"9f13812345678abc","staff":"S0021","at_ms":1764000000000,"phone":"138****5678",'
        '"email":"n***@example.com","name":"陈**","dur":"0.13812345678","big":"13812345678901"}\n'
        'grpc_server_handling_seconds_sum{grpc_method="Submit"} 13812345678.25\n')
    code, out = run(clean, "--names", names)
    expect("a clean log passes", code == 0, out)

    empty = os.path.join(tmp, "empty")
    os.makedirs(empty)
    code, out = run(empty)
    expect("an empty folder fails", code != 0 and "holds no log" in out, out)
    code, out = run(os.path.join(tmp, "missing"))
    expect("a missing folder fails", code != 0 and "no log folder" in out, out)

for f in failures:
    print("FAIL:", f)
print(f"{'FAILED' if failures else 'ok'}: {len(failures)} failures")
sys.exit(1 if failures else 0)
