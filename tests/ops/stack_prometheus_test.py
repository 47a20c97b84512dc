#!/usr/bin/env python3
"""Starts the services of deploy/stack.conf (notification with local stand-ins for its SMS provider,
chat robot and mail server), the edge (identity and the gateway, with authentication on as the edge
always runs) and a real Prometheus (Debian's) on free loopback ports against the test MariaDB,
drives one complaint through every service with tousuctl and a customer's sign-in through the
gateway, then evaluates through
Prometheus's HTTP API every panel query of deploy/grafana/dashboards and every expression of
deploy/prometheus/rules: each must parse, each panel and recording rule must return data, and
every rule group must evaluate without error.

  stack_prometheus_test.py SOURCE_DIR BUILD_DIR
Needs TOUSU_TEST_DB_HOST/PORT/USER/PASSWORD (tools/test sets them).
"""
import glob
import json
import os
import random
import re
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
import urllib.parse
import urllib.request
import uuid

import yaml

SRC, BUILD = os.path.abspath(sys.argv[1]), os.path.abspath(sys.argv[2])
DB = {k: os.environ[f"TOUSU_TEST_DB_{k.upper()}"] for k in ("host", "port", "user", "password")}
# Grafana's variables, as a dashboard shows them for "all services" over the last few minutes.
VARIABLES = {"$__rate_interval": "30s", "$__interval": "5s", "$__range": "5m", "$service": ".*"}
# Panels whose series appear only when something goes wrong (a counter with labels is created at
# its first increment), so a healthy run leaves them empty; every other panel must return data.
MAY_BE_EMPTY = {
    ("*", "Events skipped", "A"),                        # malformed events only
    ("*", "Events delivered and failed", "B"),           # a subscriber down only
    ("*", "Inbox: events applied and duplicates", "B"),  # redeliveries only
    ("tousu-routing.json", "Rejections by department", "A"),  # misroutes only
    # Neither publishes events (deploy/subscriptions.txt), so nothing is ever delivered.
    ("tousu-analytics.json", "Events delivered and failed", "A"),
    ("tousu-staff-assessment.json", "Events delivered and failed", "A"),
    # The directory gauges refresh on a slow timer; the test loads the staff after the first one.
    ("tousu-staff-assessment.json", "Active staff by department", "A"),
    # The gateway's and the services' failures only.
    ("tousu-gateway.json", "Server errors (5xx) by route and code", "A"),
}
problems = []
procs = []
stops = []  # what else to stop at the end (the mail sink)


def free_port():
    # Below the ephemeral range (32768-60999), where outgoing connections could take the port
    # between this pick and the server binding it (tools/lib.sh free_port does the same).
    for _ in range(200):
        port = random.randint(10000, 32767)
        s = socket.socket()
        try:
            s.bind(("127.0.0.1", port))
        except OSError:
            continue
        finally:
            s.close()
        return port
    raise RuntimeError("no free port in 10000-32767")


def mariadb(sql, database=None, stdin=None):
    cmd = ["mariadb", "-h", DB["host"], "-P", DB["port"], "-u", DB["user"], f"-p{DB['password']}"]
    if database:
        cmd.append(database)
    if sql:
        cmd += ["-e", sql]
    subprocess.run(cmd, check=True, stdin=stdin)


def services():
    """The services of deploy/stack.conf, then the edge's processes of deploy/edge.conf (their HTTP
    port before the binary, "-" for none)."""
    out = []
    for conf, edge in (("stack.conf", False), ("edge.conf", True)):
        for line in open(os.path.join(SRC, "deploy", conf), encoding="utf-8"):
            if line.strip() and not line.lstrip().startswith("#"):
                f = line.split()
                http = f.pop(4) if edge else "-"
                out.append({"name": f[0], "env": f[1], "conf_metrics": f[3], "bin": f[4],
                            "extra": f[5] if len(f) > 5 else "", "edge": edge,
                            "http": None if http == "-" else free_port(),
                            "grpc": free_port(), "metrics": free_port()})
    return out


def start_notification_channels(tmp, templates):
    """The notification service's outside world, on loopback (tests/support, as tools/run has it):
    the SMS provider and chat robot stand-in and a mail sink. Returns the service's settings for
    them (TOUSU_NOTIFICATION_* without the prefix)."""
    d = os.path.join(tmp, "notification-channels")
    os.makedirs(d)
    key_id, secret = "LTAI-tousu-ops", os.path.join(d, "sms-secret")
    with open(secret, "w") as f:
        f.write(uuid.uuid4().hex)
    port_file = os.path.join(d, "provider.port")
    procs.append(subprocess.Popen(
        ["/usr/bin/python3", f"{SRC}/tests/support/provider_standin.py", "--port", "0", "--port-file", port_file,
         "--state-dir", d, "--templates", templates, "--access-key-id", key_id, "--access-key-secret-file", secret],
        stdin=subprocess.DEVNULL, stdout=open(f"{d}/provider.log", "w"), stderr=subprocess.STDOUT))
    if not wait_for("the SMS provider stand-in", lambda: os.path.exists(port_file), 15):
        raise RuntimeError(open(f"{d}/provider.log").read()[-2000:])
    port = int(open(port_file).read())
    webhook = os.path.join(d, "webhook-url")
    with open(webhook, "w") as f:
        f.write(f"http://127.0.0.1:{port}/webhook/staff")
    mail_port, pidfile = free_port(), os.path.join(d, "mail-sink.pid")
    subprocess.run([f"{SRC}/tests/support/mail_sink.sh", "start", str(mail_port), f"{d}/maildir", pidfile,
                    f"{d}/mail-sink.log"], check=True)
    stops.append(lambda: subprocess.run([f"{SRC}/tests/support/mail_sink.sh", "stop", pidfile]))
    return {"SMS_ENDPOINT": f"http://127.0.0.1:{port}/", "SMS_ACCESS_KEY_ID": key_id, "SMS_SECRET_FILE": secret,
            "SMTP_URL": f"smtp://127.0.0.1:{mail_port}", "STAFF_WEBHOOK_URL_FILE": webhook,
            "MANAGEMENT_EMAILS": "management@tousu.example",
            # Whatever the hour of the run: messages that wait for the morning would leave the
            # delivery panels without sends.
            "QUIET_HOURS": "off"}


def call_gateway(gateway, method, body, token=None):
    """One Connect unary call (JSON) through the gateway: (HTTP status, decoded answer)."""
    req = urllib.request.Request(f"http://127.0.0.1:{gateway}/{method}", data=json.dumps(body).encode(),
                                 headers={"Content-Type": "application/json"}, method="POST")
    if token:
        req.add_header("Authorization", f"Bearer {token}")
    try:
        with urllib.request.urlopen(req, timeout=10) as r:
            return r.status, json.load(r)
    except urllib.error.HTTPError as e:
        text = e.read()
        try:
            return e.code, json.loads(text)
        except ValueError:
            return e.code, text.decode(errors="replace")
    except OSError as e:
        problems.append(f"gateway call {method} failed: {e}")
        return 0, None


def sign_in_through_gateway(gateway, outbox, phone):
    """A customer's sign-in through the gateway (code by the development SMS outbox), a look at
    their complaints, a wrong code and an RPC the gateway does not let in. Returns the token."""
    identity = "complaints.identity.v1.CustomerIdentityService"
    status, answer = call_gateway(gateway, f"{identity}/RequestSignInCode", {"phone": phone})
    if status != 200:
        problems.append(f"RequestSignInCode through the gateway answered {status}: {answer}")
        return None
    code = None
    for line in open(outbox, encoding="utf-8"):
        entry = json.loads(line)
        if entry.get("phone") == phone:
            code = entry.get("code")
    if not code:
        problems.append(f"no sign-in code for {phone} in the SMS outbox")
        return None
    wrong = "0" * len(code) if code != "0" * len(code) else "1" * len(code)
    call_gateway(gateway, f"{identity}/SignIn", {"phone": phone, "code": wrong})
    status, answer = call_gateway(gateway, f"{identity}/SignIn", {"phone": phone, "code": code})
    token = (answer.get("accessToken") or answer.get("access_token")) if status == 200 and isinstance(answer, dict) else None
    if not token:
        problems.append(f"SignIn through the gateway answered {status}: {answer}")
        return None
    status, answer = call_gateway(gateway, "complaints.intake.v1.IntakeService/ListComplaints", {}, token)
    if status != 200:
        problems.append(f"ListComplaints through the gateway answered {status}: {answer}")
    call_gateway(gateway, "complaints.common.v1.EventSink/Deliver", {})  # not public: 404
    return token


def query(prom, expr):
    url = f"http://127.0.0.1:{prom}/api/v1/query?" + urllib.parse.urlencode({"query": expr})
    try:
        with urllib.request.urlopen(url, timeout=10) as r:
            return json.load(r)
    except urllib.error.HTTPError as e:
        return json.load(e)


def wait_for(what, check, timeout):
    deadline = time.time() + timeout
    while time.time() < deadline:
        if check():
            return True
        time.sleep(0.3)
    problems.append(f"timed out waiting for {what}")
    return False


def tousuctl(env, *args, retry_for=0.0):
    """Runs tousuctl; retries while the events it depends on are still on their way."""
    deadline = time.time() + retry_for
    while True:
        r = subprocess.run([os.path.join(BUILD, "tools/tousuctl/tousuctl"), *args], env=env,
                           capture_output=True, text=True, timeout=30)
        if r.returncode == 0 or time.time() >= deadline:
            break
        time.sleep(0.3)
    if r.returncode != 0:
        problems.append(f"tousuctl {' '.join(args[:2])} failed: {r.stdout}{r.stderr}")
    return r.stdout


def main():
    tmp = tempfile.mkdtemp(prefix="tousu-ops-")
    tag = uuid.uuid4().hex[:8]
    svcs = services()
    missing = [s["bin"] for s in svcs if not os.access(os.path.join(BUILD, s["bin"]), os.X_OK)]
    if missing:
        print(f"FAIL: not built: {', '.join(missing)}")
        return 1
    prom_port = free_port()
    dbs = []
    try:
        # Prometheus first: its first scrape takes a while after start.
        cfg = yaml.safe_load(open(os.path.join(SRC, "deploy/prometheus/local.yml"), encoding="utf-8"))
        cfg["global"] = {"scrape_interval": "1s", "evaluation_interval": "1s"}
        cfg["rule_files"] = [os.path.join(SRC, "deploy/prometheus", f) for f in cfg["rule_files"]]
        by_name = {s["name"]: s for s in svcs}
        conf_ports = {s["name"]: s["conf_metrics"] for s in svcs}
        for sc in cfg["scrape_configs"][0]["static_configs"]:
            if sc["targets"] != [f"127.0.0.1:{conf_ports.get(sc['labels']['service'])}"]:
                problems.append(f"deploy/prometheus/local.yml: {sc['labels']['service']} is not scraped on its stack.conf/edge.conf port")
            sc["targets"] = [f"127.0.0.1:{by_name[sc['labels']['service']]['metrics']}"]
        if len(cfg["scrape_configs"][0]["static_configs"]) != len(svcs):
            problems.append("deploy/prometheus/local.yml does not scrape every service of stack.conf and edge.conf")
        with open(os.path.join(tmp, "prometheus.yml"), "w") as f:
            yaml.safe_dump(cfg, f)
        procs.append(subprocess.Popen(
            ["prometheus", f"--config.file={tmp}/prometheus.yml", f"--storage.tsdb.path={tmp}/tsdb",
             f"--web.listen-address=127.0.0.1:{prom_port}"],
            stdout=open(f"{tmp}/prometheus.log", "w"), stderr=subprocess.STDOUT))

        peers = ",".join(f"{s['name']}=127.0.0.1:{s['grpc']}" for s in svcs if not s["edge"])
        # The edge runs only with authentication on (deploy/edge.conf): a development key signs
        # customers' tokens and every service's; the six services themselves run without it.
        auth = os.path.join(tmp, "auth")
        token_tool = os.path.join(BUILD, "tools/token/tousu-token")
        subprocess.run([token_tool, "keys", auth, "--kid=dev"], check=True, capture_output=True)
        with open(os.path.join(auth, "private/code-secret"), "w") as f:
            f.write(uuid.uuid4().hex + uuid.uuid4().hex)
        outbox = os.path.join(tmp, "sms-outbox.jsonl")  # never under TOUSU_TEST_LOG_DIR: it holds codes
        open(outbox, "w").close()
        channels = {}
        for s in svcs:
            if s["name"] == "notification":
                extra = dict(kv.split("=", 1) for kv in filter(None, s["extra"].split(",")))
                channels = start_notification_channels(
                    tmp, os.path.join(SRC, extra.get("TEMPLATES_FILE", "deploy/notification/templates.txt")))
        for s in svcs:
            s["db"] = f"tousu_ops{tag}_{s['name'].replace('-', '_')}"
            dbs.append(s["db"])
            mariadb(f"CREATE DATABASE `{s['db']}` CHARACTER SET utf8mb4 COLLATE utf8mb4_unicode_ci")
            p = f"TOUSU_{s['env']}_"
            env = dict(os.environ)
            env.update({p + "GRPC_ADDR": f"127.0.0.1:{s['grpc']}", p + "METRICS_ADDR": f"127.0.0.1:{s['metrics']}",
                        p + "DB_HOST": DB["host"], p + "DB_PORT": DB["port"], p + "DB_USER": DB["user"],
                        p + "DB_PASSWORD": DB["password"], p + "DB_NAME": s["db"], p + "DRAIN": "0s",
                        p + "SUBSCRIPTIONS_FILE": f"{SRC}/deploy/subscriptions.txt", p + "PEERS": peers,
                        p + "CALENDAR_FILE": f"{SRC}/deploy/calendar/cn-business-calendar.txt"})
            # Analytics' month-end timer looks once a minute; every second here, so its panels fill.
            env["TOUSU_ANALYTICS_MONTH_END_CHECK_INTERVAL"] = "1s"
            for o in svcs:
                env[f"{p}{o['env']}_ADDR"] = f"127.0.0.1:{o['grpc']}"
            for kv in filter(None, s["extra"].split(",")):
                k, v = kv.split("=", 1)
                env[p + k] = os.path.join(SRC, v)
            if s["name"] == "notification":
                env.update({p + k: v for k, v in channels.items()})
            if s["edge"]:
                service_token = subprocess.run(
                    [token_tool, "mint", f"--key={auth}/private/dev.key", f"--sub={s['name']}", "--role=service",
                     "--ttl=1h"], check=True, capture_output=True, text=True).stdout
                with open(os.path.join(auth, f"service-{s['name']}.token"), "w") as f:
                    f.write(service_token)
                env.update({p + "AUTH_KEYS": f"{auth}/public", p + "AUTH_TOKEN_FILE": f"{auth}/service-{s['name']}.token",
                            p + "SIGNING_KEY": f"{auth}/private/dev.key", p + "SIGNING_KEY_ID": "dev",
                            p + "CODE_SECRET_FILE": f"{auth}/private/code-secret", p + "SMS_OUTBOX_FILE": outbox})
                if s["http"]:
                    env[p + "HTTP_ADDR"] = f"127.0.0.1:{s['http']}"
            # tools/test's TOUSU_TEST_LOG_DIR keeps every service log of the run for the PII check.
            s["log"] = f"{os.environ.get('TOUSU_TEST_LOG_DIR') or tmp}/ops-prometheus.{os.getpid()}.{s['name']}.log"
            procs.append(subprocess.Popen([os.path.join(BUILD, s["bin"])], env=env,
                                          stdout=open(s["log"], "w"), stderr=subprocess.STDOUT))
        for s in svcs:
            if not wait_for(f"{s['name']} SERVING", lambda: '"health: SERVING"' in open(s["log"]).read(), 60):
                raise RuntimeError(open(s["log"]).read()[-2000:])
            seed = f"{SRC}/deploy/seed/{s['name']}.sql"
            if os.path.exists(seed):
                mariadb(None, s["db"], stdin=open(seed))

        # Traffic only once Prometheus has the counters' starting values, or rates would see none of it.
        wait_for("every target up", lambda: len(query(prom_port, 'up{job="tousu"} == 1')["data"]["result"]) == len(svcs), 60)

        # One complaint through every service (README's walk-through).
        ctl = dict(os.environ)
        a = {s["name"]: f"127.0.0.1:{s['grpc']}" for s in svcs}
        ctl.update({"TOUSU_CTL_INTAKE_ADDR": a["intake"], "TOUSU_CTL_ROUTING_ADDR": a["routing"],
                    "TOUSU_CTL_CASE_ADDR": a["case-handling"], "TOUSU_CTL_FOLLOWUP_ADDR": a["follow-up"],
                    "TOUSU_CTL_STAFF_ADDR": a["staff-assessment"], "TOUSU_CTL_ANALYTICS_ADDR": a["analytics"],
                    "TOUSU_CTL_CALENDAR_FILE": f"{SRC}/deploy/calendar/cn-business-calendar.txt"})
        out = tousuctl(ctl, "submit", "--name", "张三", "--phone", "13800138000", "--project", "阳光花园",
                       "--building", "3栋", "--unit", "1502", "--stage", "property", "--channel", "hotline",
                       "--recorded-by", "S0006", "--severity", "high", "--occurred-at", "now",
                       "--description", "卫生间墙体开裂，雨天渗水", "--expected", "上门检测并修复")
        m = re.search(r"TS-\d{6}-\d{6}", out)
        if not m:
            raise RuntimeError(f"submit printed no complaint number: {out}")
        n = m.group(0)
        tousuctl(ctl, "classify", "卫生间墙体开裂，雨天渗水")
        tousuctl(ctl, "get", n)
        tousuctl(ctl, "staff", "list")
        tousuctl(ctl, "assignment", n, retry_for=15)
        tousuctl(ctl, "queue", "--department", "engineering")
        tousuctl(ctl, "ack", n, "--department", "engineering", "--owner", "S0021", retry_for=5)
        tousuctl(ctl, "case", "investigate", n, "--kind", "site-visit", "--by", "S0021", "--note", "现场查看", retry_for=15)
        tousuctl(ctl, "case", "inspect", n, "--inspector", "S0019", "--severity", "high", "--cause", "防水层施工缺陷",
                 "--findings", "东墙防水层断裂", "--repair", "重做卫生间防水层")
        tousuctl(ctl, "case", "propose", n, "--by", "S0021", "--solution", "免费重做卫生间防水层",
                 "--action", "重做防水", "--complete-by", "2099-12-20 18:00")
        tousuctl(ctl, "case", "decide", n, "--accept", "--recorded-by", "S0021")
        tousuctl(ctl, "case", "resolve", n, "--by", "S0021", "--result", "防水层已重做")
        tousuctl(ctl, "follow-up", "get", n, retry_for=15)
        tousuctl(ctl, "follow-up", "callback", n, "--agent", "S0014", "--method", "phone",
                 "--satisfaction", "4", "--comments", "满意", retry_for=15)
        tousuctl(ctl, "case", "get", n)
        # A second complaint stays open, so open-case gauges have a department.
        out = tousuctl(ctl, "submit", "--name", "赵六", "--phone", "13700137000", "--project", "阳光花园",
                       "--building", "2栋", "--unit", "602", "--stage", "property", "--channel", "hotline",
                       "--recorded-by", "S0006", "--severity", "high", "--occurred-at", "now",
                       "--description", "卫生间墙体开裂，雨天渗水", "--expected", "上门检测并修复")
        m2 = re.search(r"TS-\d{6}-\d{6}", out)
        if m2:
            tousuctl(ctl, "ack", m2.group(0), "--department", "engineering", "--owner", "S0021", retry_for=15)
        # A critical complaint waits for a supervisor; an invalid one is refused.
        tousuctl(ctl, "submit", "--name", "李四", "--phone", "13900139000", "--project", "阳光花园",
                 "--building", "5栋", "--unit", "801", "--stage", "property", "--channel", "hotline",
                 "--recorded-by", "S0006", "--severity", "critical", "--occurred-at", "now",
                 "--description", "电梯困人，多次故障", "--expected", "彻底检修电梯")
        subprocess.run([os.path.join(BUILD, "tools/tousuctl/tousuctl"), "submit", "--name", "王五", "--phone", "12",
                        "--project", "阳光花园", "--building", "1栋", "--unit", "101", "--stage", "property",
                        "--channel", "hotline", "--recorded-by", "S0006", "--severity", "low", "--occurred-at", "now",
                        "--description", "噪音", "--expected", "处理"], env=ctl, capture_output=True, timeout=30)
        # A refused call too, so the error series move (INVALID_ARGUMENT for an unknown number format).
        subprocess.run([os.path.join(BUILD, "tools/tousuctl/tousuctl"), "get", "not-a-number"], env=ctl,
                       capture_output=True, timeout=30)

        # A customer signs in through the gateway and looks at their complaints.
        gateway = next(s for s in svcs if s["edge"] and s["http"])
        sign_in_through_gateway(gateway["http"], outbox, "13600136000")

        # The traffic seen, then a few more scrapes for the rate windows.
        wait_for("the callback in Prometheus", lambda: query(prom_port, 'sum(tousu_follow_up_callbacks_total) > 0')["data"]["result"], 30)
        wait_for("the gateway's sign-in in Prometheus", lambda: query(
            prom_port, 'sum(tousu_identity_sign_ins_total{outcome="signed_in"}) > 0')["data"]["result"], 30)
        wait_for("analytics' EventSink calls in Prometheus", lambda: query(
            prom_port, 'sum(grpc_server_handled_total{service="analytics",grpc_service="complaints.common.v1.EventSink"}) > 0')["data"]["result"], 30)
        if channels:
            wait_for("the customer's SMS in Prometheus", lambda: query(
                prom_port, 'sum(tousu_notification_deliveries_total{channel="sms",outcome="sent"}) > 0')["data"]["result"], 30)
        time.sleep(3)

        # Every dashboard panel query.
        panels = 0
        for path in sorted(glob.glob(f"{SRC}/deploy/grafana/dashboards/*.json")):
            d = json.load(open(path, encoding="utf-8"))
            for p in d["panels"]:
                for t in p.get("targets", []):
                    expr = t["expr"]
                    for k in sorted(VARIABLES, key=len, reverse=True):
                        expr = expr.replace(k, VARIABLES[k])
                    r = query(prom_port, expr)
                    panels += 1
                    where = f"{os.path.basename(path)} '{p['title']}' {t['refId']}"
                    if r.get("status") != "success":
                        problems.append(f"{where}: {r.get('error')}: {expr}")
                    elif not r["data"]["result"] and not (
                            ("*", p["title"], t["refId"]) in MAY_BE_EMPTY
                            or (os.path.basename(path), p["title"], t["refId"]) in MAY_BE_EMPTY):
                        problems.append(f"{where}: no data: {expr}")
        # Every recording and alert rule: parses, and recorded series exist; no group in error.
        rules = 0
        for path in sorted(glob.glob(f"{SRC}/deploy/prometheus/rules/*.yml")):
            for g in yaml.safe_load(open(path, encoding="utf-8"))["groups"]:
                for rule in g["rules"]:
                    rules += 1
                    r = query(prom_port, rule["expr"])
                    name = rule.get("record") or rule.get("alert")
                    if r.get("status") != "success":
                        problems.append(f"{os.path.basename(path)} {name}: {r.get('error')}")
                    if "record" in rule and not query(prom_port, rule["record"])["data"]["result"]:
                        problems.append(f"recording rule {name} produced no data")
        with urllib.request.urlopen(f"http://127.0.0.1:{prom_port}/api/v1/rules", timeout=10) as resp:
            for g in json.load(resp)["data"]["groups"]:
                for rule in g["rules"]:
                    if rule.get("health") != "ok":
                        problems.append(f"rule {rule['name']} evaluates with {rule.get('health')}: {rule.get('lastError')}")
        # No alert fires on a healthy stack (error rate, latency, database, delivery ...).
        with urllib.request.urlopen(f"http://127.0.0.1:{prom_port}/api/v1/alerts", timeout=10) as resp:
            for al in json.load(resp)["data"]["alerts"]:
                problems.append(f"alert {al['labels']['alertname']} is {al['state']} on a healthy stack: {al['labels']}")
        if os.environ.get("TOUSU_OPS_PAUSE"):  # debugging: look around before everything stops
            print(f"Prometheus on 127.0.0.1:{prom_port}", flush=True)
            time.sleep(float(os.environ["TOUSU_OPS_PAUSE"]))
        print(f"{panels} panel queries and {rules} rules evaluated against Prometheus on 127.0.0.1:{prom_port}")
    finally:
        if os.environ.get("TOUSU_TEST_LOG_DIR"):  # metric labels too, for the PII check
            for s in svcs:
                try:
                    with urllib.request.urlopen(f"http://127.0.0.1:{s['metrics']}/metrics", timeout=5) as r, \
                            open(f"{os.environ['TOUSU_TEST_LOG_DIR']}/ops-prometheus.{os.getpid()}.{s['name']}.metrics",
                                 "wb") as out:
                        out.write(r.read())
                except OSError:
                    pass
        for stop in stops:
            stop()
        for p in procs:
            p.send_signal(signal.SIGTERM)
        for p in procs:
            try:
                p.wait(timeout=15)
            except subprocess.TimeoutExpired:
                p.kill()
        for db in dbs:
            try:
                mariadb(f"DROP DATABASE IF EXISTS `{db}`")
            except subprocess.CalledProcessError:
                pass
        if problems:
            print(f"logs kept in {tmp}")
        else:
            shutil.rmtree(tmp, ignore_errors=True)
    for p in problems:
        print("FAIL:", p)
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main())
