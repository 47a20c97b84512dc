#!/usr/bin/env python3
"""Renders every overlay of k8s/, validates every object against the Kubernetes API schemas
(offline, npm package kubernetes-models), and checks the operating rules of every Deployment of
deploy/stack.conf and (where authentication is on) deploy/edge.conf, and what the outside reaches:
the Ingress only the gateway, the edge role only the gateway's pods. The services' wiring follows
deploy/subscriptions.txt and their <OTHER>_ADDR settings: each producer's PEERS names its
subscribers, each gRPC port admits exactly the services that deliver events to it or call it, and
a service whose egress is restricted reaches exactly those it delivers to or calls (and, for
notification, its channels outside the cluster).

  check_k8s.py SOURCE_DIR NODE_MODULES_DIR
Exits non-zero with one line per broken rule.
"""
import base64
import glob
import json
import os
import re
import shutil
import subprocess
import sys
import urllib.parse

import yaml

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import render_k8s  # noqa: E402

SRC, NODE_MODULES = sys.argv[1], sys.argv[2]
problems = []


def fail(msg):
    problems.append(msg)


def duration_s(text):
    m = re.fullmatch(r"(\d+)(ms|s|m|h)", text)
    if not m:
        raise ValueError(f"not a duration: {text}")
    return int(m.group(1)) * {"ms": 0.001, "s": 1, "m": 60, "h": 3600}[m.group(2)]


def stack_services():
    out = []
    for line in open(os.path.join(SRC, "deploy/stack.conf"), encoding="utf-8"):
        if line.strip() and not line.lstrip().startswith("#"):
            name, env, grpc, metrics = line.split()[:4]
            out.append((name, env, int(grpc), int(metrics)))
    return out


def edge_services():
    """The processes of deploy/edge.conf (identity, the gateway): as stack_services(), and the HTTP
    port (None for "-")."""
    out = []
    path = os.path.join(SRC, "deploy/edge.conf")
    if not os.path.exists(path):
        return out
    for line in open(path, encoding="utf-8"):
        if line.strip() and not line.lstrip().startswith("#"):
            name, env, grpc, metrics, http = line.split()[:5]
            out.append((name, env, int(grpc), int(metrics), None if http == "-" else int(http)))
    return out


PUBLIC_RPCS = "deploy/gateway/public-rpcs.txt"
PUBLIC_SERVICES = set()  # of PUBLIC_RPCS, read once by main()
NOTIFICATION_TEMPLATES = "deploy/notification/templates.txt"
SUBSCRIPTIONS = "deploy/subscriptions.txt"
SUBSCRIPTION_LINES = []  # of SUBSCRIPTIONS, read once by main()
# The ports a service may (and must) reach outside the cluster, besides DNS, its database and the
# gRPC ports of the services it delivers events to or calls: notification's channels, the SMS
# provider and the staff chat robot over HTTPS and the mail server over SMTP submission or SMTPS.
EXTERNAL_PORTS = {"notification": {443, 587, 465}}
# Services whose egress must be restricted: identity signs customers' tokens, notification talks to
# the outside world (and holds the channels' secrets).
EGRESS_RESTRICTED = {"identity", "notification"}


def subscriptions():
    """(producer, event type, subscriber) of deploy/subscriptions.txt, whose event lines follow a
    comment heading naming their producer ("# intake")."""
    names = {s[0] for s in stack_services()} | {e[0] for e in edge_services()}
    out, producer = [], None
    for n, line in enumerate(open(os.path.join(SRC, SUBSCRIPTIONS), encoding="utf-8"), 1):
        text = line.strip()
        if not text:
            continue
        if text.startswith("#"):
            if text[1:].strip() in names:
                producer = text[1:].strip()
            continue
        event, *subscribers = text.split()
        if producer is None:
            fail(f"{SUBSCRIPTIONS}:{n}: {event} follows no heading naming its producer")
            continue
        for sub in subscribers:
            if sub not in names:
                fail(f"{SUBSCRIPTIONS}:{n}: subscriber {sub} of {event} is not a service of deploy/stack.conf")
            out.append((producer, event, sub))
    return out


def public_rpc_services():
    """The fully qualified gRPC services of deploy/gateway/public-rpcs.txt ("pkg.Service/Method
    token|anonymous" lines)."""
    out = set()
    path = os.path.join(SRC, PUBLIC_RPCS)
    if not os.path.exists(path):
        fail(f"{PUBLIC_RPCS} missing: the gateway's allow-list decides which services the edge reaches")
        return out
    known = proto_services()
    for n, line in enumerate(open(path, encoding="utf-8"), 1):
        if not line.strip() or line.lstrip().startswith("#"):
            continue
        f = line.split()
        m = re.fullmatch(r"([\w.]+)/(\w+)", f[0])
        if len(f) != 2 or not m or f[1] not in ("token", "anonymous"):
            fail(f"{PUBLIC_RPCS}:{n}: expected 'package.Service/Method token|anonymous', got {line.strip()!r}")
        elif m.group(1) not in known:
            fail(f"{PUBLIC_RPCS}:{n}: {m.group(1)} is not a service of proto/")
        else:
            out.add(m.group(1))
    return out


def proto_services():
    names = set()
    for p in glob.glob(os.path.join(SRC, "proto/**/*.proto"), recursive=True):
        text = open(p, encoding="utf-8").read()
        pkg = re.search(r"^package\s+([\w.]+);", text, re.M)
        for svc in re.findall(r"^service\s+(\w+)", text, re.M):
            names.add(f"{pkg.group(1)}.{svc}")
    return names


def check_copies():
    # kustomize reads files only below its folder: the copies must equal deploy/'s originals.
    pairs = [("k8s/base/shared/cn-business-calendar.txt", "deploy/calendar/cn-business-calendar.txt"),
             ("k8s/base/shared/subscriptions.txt", "deploy/subscriptions.txt"),
             ("k8s/base/routing/labelled-complaints.tsv", "deploy/routing/labelled-complaints.tsv"),
             ("k8s/base/routing/seed.sql", "deploy/seed/routing.sql"),
             ("k8s/base/staff-assessment/seed.sql", "deploy/seed/staff-assessment.sql"),
             ("k8s/base/gateway/public-rpcs.txt", PUBLIC_RPCS),
             ("k8s/base/notification/templates.txt", NOTIFICATION_TEMPLATES)]
    for copy, orig in pairs:
        if not os.path.exists(os.path.join(SRC, orig)):
            fail(f"{orig} missing ({copy} is its copy)")
            continue
        if open(os.path.join(SRC, copy), "rb").read() != open(os.path.join(SRC, orig), "rb").read():
            fail(f"{copy} differs from {orig}: copy it again (cp {orig} {copy})")


def by_kind(objs, kind):
    return {o["metadata"]["name"]: o for o in objs if o["kind"] == kind}


def selects(selector, labels):
    return all(labels.get(k) == v for k, v in selector.get("matchLabels", {}).items())


def check_overlay(name, objs):
    where = f"overlays/{name}"
    deployments, services = by_kind(objs, "Deployment"), by_kind(objs, "Service")
    hpas, pdbs = by_kind(objs, "HorizontalPodAutoscaler"), by_kind(objs, "PodDisruptionBudget")
    configmaps, secrets = by_kind(objs, "ConfigMap"), by_kind(objs, "Secret")
    accounts, netpols = by_kind(objs, "ServiceAccount"), list(by_kind(objs, "NetworkPolicy").values())
    known_services = proto_services()
    token_secrets = {}  # Secret of a service token -> the Deployments mounting it
    settings_of = {}  # service -> its ConfigMap settings
    processes = [(svc, env, grpc, metrics, None) for svc, env, grpc, metrics in stack_services()]
    edge_names = {e[0] for e in edge_services()}
    if runs_edge(name):
        processes += edge_services()
    else:
        for svc, *_ in edge_services():
            if f"tousu-{svc}" in deployments:
                fail(f"{where}: runs {svc} of deploy/edge.conf, but the edge runs only with authentication on")
    for svc, env, grpc_port, metrics_port, http_port in processes:
        app = f"tousu-{svc}"
        d = deployments.get(app)
        if d is None:
            fail(f"{where}: no Deployment {app} for {svc} of deploy/{'edge' if svc in edge_names else 'stack'}.conf")
            continue
        w = f"{where}: Deployment {app}"
        pod = d["spec"]["template"]["spec"]
        labels = d["spec"]["template"]["metadata"].get("labels", {})
        c = pod["containers"][0]
        if len(pod["containers"]) != 1:
            fail(f"{w}: expected one container")
        ports = {p.get("name"): p["containerPort"] for p in c.get("ports", [])}
        want_ports = {"grpc": grpc_port, "metrics": metrics_port}
        if http_port:
            want_ports["http"] = http_port
        if {k: ports.get(k) for k in want_ports} != want_ports:
            fail(f"{w}: container ports must be {want_ports} (stack.conf, edge.conf), got {ports}")
        # Settings the service reads, from its ConfigMap.
        settings = {}
        for ref in c.get("envFrom", []):
            cm = configmaps.get(ref.get("configMapRef", {}).get("name"))
            if cm is None:
                fail(f"{w}: envFrom ConfigMap {ref} not rendered")
            else:
                settings.update(cm["data"])
        p = f"TOUSU_{env}_"
        settings_of[svc] = {k[len(p):]: v for k, v in settings.items() if k.startswith(p)}
        for key in ("GRPC_ADDR", "METRICS_ADDR", "DRAIN", "SHUTDOWN_GRACE"):
            if p + key not in settings:
                fail(f"{w}: {p}{key} not set in its ConfigMap")
        if settings.get(p + "GRPC_ADDR", "").rsplit(":", 1)[-1] != str(grpc_port):
            fail(f"{w}: {p}GRPC_ADDR does not listen on the grpc port {grpc_port}")
        if http_port and settings.get(p + "HTTP_ADDR", "").rsplit(":", 1)[-1] != str(http_port):
            fail(f"{w}: {p}HTTP_ADDR does not listen on the http port {http_port}")
        env_names = {e["name"] for e in c.get("env", [])}
        for key in ("DB_HOST", "DB_PORT", "DB_NAME", "DB_USER", "DB_PASSWORD"):
            if p + key not in env_names:
                fail(f"{w}: {p}{key} missing (from the service's own database Secret)")
        for e in c.get("env", []):
            ref = e.get("valueFrom", {}).get("secretKeyRef")
            if ref and ref["name"] != f"{app}-db":
                fail(f"{w}: reads another service's Secret {ref['name']}")
            if ref and name == "dev" and ref["key"] not in secrets.get(ref["name"], {}).get("data", {}):
                fail(f"{w}: Secret {ref['name']} key {ref['key']} not rendered in dev")
        for v in pod.get("volumes", []):
            if "configMap" in v and v["configMap"]["name"] not in configmaps:
                fail(f"{w}: volume ConfigMap {v['configMap']['name']} not rendered")
        check_auth(name, w, p, c, pod, settings, token_secrets)
        if http_port:
            check_http_probes(w, c, http_port)
        else:
            # Probes: native gRPC on grpc.health.v1, on the grpc port.
            for probe in ("startupProbe", "readinessProbe", "livenessProbe"):
                pr = c.get(probe)
                if not pr or "grpc" not in pr:
                    fail(f"{w}: {probe} must be a native gRPC probe")
                    continue
                if pr["grpc"].get("port") != grpc_port:
                    fail(f"{w}: {probe} must probe the grpc port {grpc_port}")
            ready = c.get("readinessProbe", {}).get("grpc", {}).get("service")
            if ready not in known_services:
                fail(f"{w}: readinessProbe service {ready!r} is not a service of proto/")
        # Resources.
        res = c.get("resources", {})
        for kind in ("requests", "limits"):
            for r in ("cpu", "memory"):
                if r not in res.get(kind, {}):
                    fail(f"{w}: resources.{kind}.{r} missing")
        # Non-root, read-only root filesystem, no privilege escalation.
        psc, csc = pod.get("securityContext", {}), c.get("securityContext", {})
        if not (psc.get("runAsNonRoot") or csc.get("runAsNonRoot")):
            fail(f"{w}: runAsNonRoot must be true")
        if csc.get("runAsUser", psc.get("runAsUser", 0)) == 0:
            fail(f"{w}: runAsUser must not be 0")
        if csc.get("readOnlyRootFilesystem") is not True:
            fail(f"{w}: readOnlyRootFilesystem must be true")
        if csc.get("allowPrivilegeEscalation") is not False:
            fail(f"{w}: allowPrivilegeEscalation must be false")
        if "ALL" not in csc.get("capabilities", {}).get("drop", []):
            fail(f"{w}: capabilities must drop ALL")
        # Graceful stop: the grace period outlasts preStop pause + drain + shutdown grace.
        pre = c.get("lifecycle", {}).get("preStop", {})
        pause = 0
        if "sleep" in pre:
            pause = pre["sleep"]["seconds"]
        elif "exec" in pre and pre["exec"]["command"][-2:-1] and "sleep" in pre["exec"]["command"][0]:
            pause = float(pre["exec"]["command"][-1])
        if pause <= 0:
            fail(f"{w}: needs a preStop pause (sleep)")
        try:
            need = pause + duration_s(settings.get(p + "DRAIN", "5s")) + duration_s(settings.get(p + "SHUTDOWN_GRACE", "10s"))
            if http_port:  # the HTTP listener drains after the runtime has shut down
                need += duration_s(settings.get(p + "HTTP_DRAIN_GRACE", "10s"))
            grace = pod.get("terminationGracePeriodSeconds", 30)
            if not grace > need:
                fail(f"{w}: terminationGracePeriodSeconds {grace} must exceed preStop+DRAIN+SHUTDOWN_GRACE"
                     f"{'+HTTP_DRAIN_GRACE' if http_port else ''} = {need}")
        except ValueError as e:
            fail(f"{w}: {e}")
        if pod.get("serviceAccountName") != app or app not in accounts:
            fail(f"{w}: needs its own ServiceAccount {app}")
        # Service with named grpc and metrics ports.
        s = services.get(app)
        if s is None or not selects({"matchLabels": s["spec"].get("selector", {})}, labels):
            fail(f"{where}: Service {app} missing or not selecting the pods")
        else:
            named = {pp.get("name"): pp.get("port") for pp in s["spec"]["ports"]}
            if {k: named.get(k) for k in want_ports} != want_ports:
                fail(f"{where}: Service {app} needs ports {want_ports}, has {named}")
        # HPA and PDB.
        h = hpas.get(app)
        if h is None or h["spec"]["scaleTargetRef"].get("name") != app or h["spec"]["scaleTargetRef"].get("kind") != "Deployment":
            fail(f"{where}: no HorizontalPodAutoscaler targeting Deployment {app}")
        elif not 1 <= h["spec"].get("minReplicas", 1) <= h["spec"]["maxReplicas"]:
            fail(f"{where}: HPA {app} bounds are wrong")
        pdb = pdbs.get(app)
        if pdb is None or not selects(pdb["spec"]["selector"], labels):
            fail(f"{where}: no PodDisruptionBudget selecting {app}'s pods")
        # NetworkPolicies: the pods are covered, and both ports are allowed only from named peers.
        covering = [n for n in netpols if selects(n["spec"]["podSelector"], labels)]
        allowed_ports = set()
        for n in covering:
            for rule in n["spec"].get("ingress", []):
                if not rule.get("from"):
                    fail(f"{where}: NetworkPolicy {n['metadata']['name']} admits anyone")
                for pp in rule.get("ports", []):
                    allowed_ports.add(pp["port"])
        if not any(n["spec"].get("ingress") is None or n["spec"].get("ingress") == [] for n in covering):
            fail(f"{where}: {app}'s pods are not under a default-deny NetworkPolicy")
        # The edge serves HTTP: its gRPC port answers health only and admits nobody.
        served = {"http", "metrics"} if http_port else {"grpc", "metrics"}
        if not served <= allowed_ports:
            fail(f"{where}: NetworkPolicies must admit {app}'s {' and '.join(sorted(served))} ports, admit {allowed_ports}")
        if http_port and ({"grpc", grpc_port} & allowed_ports):
            fail(f"{where}: NetworkPolicies must not admit {app}'s grpc (health) port")
    # A policy figure is enforced by one service and stated in the monthly report by analytics:
    # both are set explicitly, to the same value, so the report never states another figure.
    for enforcer, key in (("routing", "ACK_WINDOW"), ("case-handling", "SOLUTION_DAYS"),
                          ("follow-up", "CALLBACK_DAYS")):
        enforced = settings_of.get(enforcer, {}).get(key)
        stated = settings_of.get("analytics", {}).get(key)
        if enforced is None or stated is None or enforced != stated:
            fail(f"{where}: {key} must be set for {enforcer} and analytics alike "
                 f"(enforced {enforced}, stated in the report {stated})")
    for secret, apps in token_secrets.items():
        if len(apps) > 1:
            fail(f"{where}: Deployments {', '.join(apps)} share the service token Secret {secret}: each service needs its own")
    check_exposure(where, objs, name == "prod")
    check_edge(where, objs, processes, settings_of)
    check_wiring(where, objs, processes, settings_of)
    check_notification(where, objs, processes, settings_of, name == "prod")
    return deployments


def selector_matches(selector, labels):
    """A label selector (matchLabels and matchExpressions) against a pod's labels; {} selects all."""
    if not all(labels.get(k) == v for k, v in selector.get("matchLabels", {}).items()):
        return False
    for e in selector.get("matchExpressions", []):
        key, op, values = e["key"], e["operator"], e.get("values", [])
        if ((op == "In" and labels.get(key) not in values)
                or (op == "NotIn" and key in labels and labels[key] in values)
                or (op == "Exists" and key not in labels) or (op == "DoesNotExist" and key in labels)):
            return False
    return True


def pod_templates(objs):
    """(object, pod template) of every object that runs pods."""
    for o in objs:
        spec = o.get("spec", {})
        if o["kind"] in ("Deployment", "StatefulSet", "DaemonSet", "ReplicaSet", "Job"):
            yield o, spec["template"]
        elif o["kind"] == "CronJob":
            yield o, spec["jobTemplate"]["spec"]["template"]
        elif o["kind"] == "Pod":
            yield o, o


def pod_labels(d):
    return d["spec"]["template"].get("metadata", {}).get("labels", {})


def port_of(d, name):
    for c in d["spec"]["template"]["spec"]["containers"]:
        for p in c.get("ports", []):
            if p.get("name") == name:
                return p["containerPort"]
    return None


def grpc_admitted(app, deployments, netpols):
    """The Deployments (of this namespace) whose pods the NetworkPolicies covering app's pods admit
    to app's grpc port."""
    d = deployments[app]
    grpc = ("grpc", port_of(d, "grpc"))
    out = set()
    for n in netpols:
        if not selector_matches(n["spec"]["podSelector"], pod_labels(d)):
            continue
        for rule in n["spec"].get("ingress", []):
            if rule.get("ports") and not any(pp.get("port") in grpc for pp in rule["ports"]):
                continue
            for peer in rule.get("from", []):
                if "namespaceSelector" in peer or "ipBlock" in peer:
                    continue
                out |= {o for o, od in deployments.items()
                        if o != app and selector_matches(peer.get("podSelector", {}), pod_labels(od))}
    return out


def grpc_reached(app, deployments, rules):
    """The Deployments whose grpc port the egress rules let app reach (a rule without ports or
    destinations, or with an ipBlock, reaches every one)."""
    reached = set()
    for other, d in deployments.items():
        grpc = ("grpc", port_of(d, "grpc"))
        for r in rules:
            if r.get("ports") and not any(pp.get("port") in grpc for pp in r["ports"]):
                continue
            if not r.get("to") or any("ipBlock" in peer or selector_matches(peer.get("podSelector", {}), pod_labels(d))
                                      for peer in r["to"]):
                reached.add(other)
    reached.discard(app)
    return reached


def configmap_file(pod, configmaps, path):
    """The content of path where it is a file of a ConfigMap volume mounted without subPath, or None."""
    found = None
    for m in pod["containers"][0].get("volumeMounts", []):
        v = next((v for v in pod.get("volumes", []) if v["name"] == m["name"]), {})
        root = m["mountPath"].rstrip("/") + "/"
        if "configMap" in v and path.startswith(root) and not m.get("subPath"):
            found = configmaps.get(v["configMap"]["name"], {}).get("data", {}).get(path[len(root):])
    return found


def check_exposure(where, objs, prod):
    """Nothing reaches the cluster from outside but the Ingress, and the Ingress reaches only the
    gateway's HTTP port; in production only over TLS."""
    gateway = next((e for e in edge_services() if e[4]), None)
    for name, s in by_kind(objs, "Service").items():
        kind = s["spec"].get("type", "ClusterIP")
        if kind != "ClusterIP" or s["spec"].get("externalIPs"):
            fail(f"{where}: Service {name} is exposed outside the cluster ({kind}"
                 f"{', externalIPs' if s['spec'].get('externalIPs') else ''}): only the Ingress to the gateway may be")
    for name, ing in by_kind(objs, "Ingress").items():
        spec = ing["spec"]
        backends = [spec["defaultBackend"]] if "defaultBackend" in spec else []
        for rule in spec.get("rules", []):
            backends += [p["backend"] for p in rule.get("http", {}).get("paths", [])]
        if not backends:
            fail(f"{where}: Ingress {name} has no backend")
        for b in backends:
            svc = b.get("service") or {}
            port = svc.get("port", {})
            if (gateway is None or svc.get("name") != f"tousu-{gateway[0]}"
                    or port not in ({"name": "http"}, {"number": gateway[4]})):
                fail(f"{where}: Ingress {name} routes to {b}: only the gateway's http port may be reached from outside")
        if prod:
            hosts = [rule.get("host") for rule in spec.get("rules", [])]
            tls_hosts = {h for entry in spec.get("tls", []) for h in entry.get("hosts", [])}
            if "defaultBackend" in spec or None in hosts or not hosts:
                fail(f"{where}: Ingress {name} must name its host in every rule (TLS certificates are per host)")
            if not set(filter(None, hosts)) <= tls_hosts or not all(e.get("secretName") for e in spec.get("tls", [])):
                fail(f"{where}: Ingress {name} must terminate TLS for every host ({hosts}), has tls for {sorted(tls_hosts)}")


def check_egress(where, app, netpols, labels, allowed_ports):
    """The egress rules of the policies covering app's pods: there must be some, and each allows
    only ports of allowed_ports. Returns the rules."""
    pols = [n for n in netpols if selector_matches(n["spec"]["podSelector"], labels)
            and "Egress" in n["spec"].get("policyTypes", [])]
    if not pols:
        fail(f"{where}: no NetworkPolicy restricts {app}'s egress")
        return []
    rules = [r for n in pols for r in n["spec"].get("egress", [])]
    for r in rules:
        ports = [pp.get("port") for pp in r.get("ports", [])]
        if not ports or not set(ports) <= allowed_ports:
            fail(f"{where}: {app} may reach ports {ports or 'all'}: only {sorted(map(str, allowed_ports))}")
    for port, what in ((53, "DNS"), (3306, "its database")):
        if not any(port in [pp.get("port") for pp in r.get("ports", [])] for r in rules):
            fail(f"{where}: {app} cannot reach {what} (port {port})")
    return rules


def check_edge(where, objs, processes, settings_of):
    """The gateway is the edge: it alone carries tousu.io/role=edge, only the services of
    deploy/gateway/public-rpcs.txt admit it and it reaches only them (and DNS and its database),
    and it admits only the ingress controller on its HTTP port. identity reaches only DNS and its
    database, and signs with keys from Secret volumes."""
    deployments = by_kind(objs, "Deployment")
    netpols = list(by_kind(objs, "NetworkPolicy").values())
    gateway = next((p for p in processes if p[4]), None)
    want = [f"tousu-{gateway[0]}"] if gateway else []
    edge = sorted(o["metadata"]["name"] for o, tpl in pod_templates(objs)
                  if tpl.get("metadata", {}).get("labels", {}).get("tousu.io/role") == "edge")
    if edge != want:
        fail(f"{where}: the edge role (tousu.io/role: edge) must select exactly the gateway's pods {want}, selects {edge}")
    if gateway and not by_kind(objs, "Ingress"):
        fail(f"{where}: no Ingress reaches the gateway")
    identity = next((p for p in processes if p[0] == "identity"), None)
    if identity and f"tousu-{identity[0]}" in deployments:
        app = f"tousu-{identity[0]}"
        d = deployments[app]
        w, p = f"{where}: Deployment {app}", f"TOUSU_{identity[1]}_"
        pod, s = d["spec"]["template"]["spec"], settings_of.get(identity[0], {})
        mounts, volumes = pod["containers"][0].get("volumeMounts", []), {v["name"]: v for v in pod.get("volumes", [])}
        for key in ("SIGNING_KEY", "CODE_SECRET_FILE"):
            m = secret_mount_of(s.get(key, ""), mounts, volumes, False) if s.get(key) else None
            if m is None:
                fail(f"{w}: {p}{key} must be a file of a Secret volume mounted without subPath, is {s.get(key)!r}")
            elif m.get("readOnly") is not True:
                fail(f"{w}: Secret volume {m['name']} for {p}{key} must be mounted readOnly")
        if s.get("SMS_OUTBOX_FILE"):
            fail(f"{w}: {p}SMS_OUTBOX_FILE is the development sender (codes in a file): never in a cluster")
        # Its egress (DNS and its database only, as it calls no service) is check_wiring's.
    if not gateway or f"tousu-{gateway[0]}" not in deployments:
        return
    gw_app = f"tousu-{gateway[0]}"
    gw_labels = pod_labels(deployments[gw_app])
    # Which Deployment answers which proto package: its readiness probe's gRPC service's.
    serving = {}
    for app, d in deployments.items():
        svc = d["spec"]["template"]["spec"]["containers"][0].get("readinessProbe", {}).get("grpc", {}).get("service")
        if svc:
            serving[svc.rsplit(".", 1)[0]] = app
    public = set()
    for s in PUBLIC_SERVICES:
        if s.rsplit(".", 1)[0] not in serving:
            fail(f"{where}: no Deployment serves {s} of {PUBLIC_RPCS}")
        else:
            public.add(serving[s.rsplit(".", 1)[0]])
    # Ingress to each service's gRPC port from the edge.
    for app, d in deployments.items():
        if app == gw_app or "tousu.io/service" not in pod_labels(d):
            continue
        grpc = ("grpc", port_of(d, "grpc"))
        admits = any(
            any(pp.get("port") in grpc for pp in rule.get("ports", [])) and any(
                "namespaceSelector" not in peer and "ipBlock" not in peer
                and selector_matches(peer.get("podSelector", {}), gw_labels) for peer in rule.get("from", []))
            for n in netpols if selector_matches(n["spec"]["podSelector"], pod_labels(d))
            for rule in n["spec"].get("ingress", []))
        if app in public and not admits:
            fail(f"{where}: {app} serves RPCs of {PUBLIC_RPCS} but its NetworkPolicy does not admit the edge on its grpc port")
        if app not in public and admits:
            fail(f"{where}: {app} admits the edge, but none of its RPCs is in {PUBLIC_RPCS}")
    # The gateway's egress: DNS, the database, and the public services' gRPC ports only.
    rules = check_egress(where, gw_app, netpols, gw_labels, {53, 3306, "grpc"})
    reached = grpc_reached(gw_app, deployments, rules)
    if reached != public:
        fail(f"{where}: the gateway's egress reaches the gRPC ports of {sorted(reached)}; "
             f"{PUBLIC_RPCS} needs exactly {sorted(public)}")
    # The gateway's ingress: its HTTP port from the ingress controller's namespace only.
    for n in netpols:
        if not selector_matches(n["spec"]["podSelector"], gw_labels):
            continue
        for rule in n["spec"].get("ingress", []):
            if rule.get("ports") and not any(pp.get("port") in ("http", gateway[4]) for pp in rule["ports"]):
                continue
            for peer in rule.get("from", []):
                if "ipBlock" in peer or not peer.get("namespaceSelector", {}).get("matchLabels"):
                    fail(f"{where}: NetworkPolicy {n['metadata']['name']} admits {peer} to the gateway's HTTP port: "
                         "only the ingress controller (its namespace) may")
    # Its settings: the allow-list from the ConfigMap of deploy/'s copy, and each public service's address.
    env_of = {p[0]: p[1] for p in processes}
    s = settings_of.get(gateway[0], {})
    for app in public:
        svc = app[len("tousu-"):]
        want_addr = f"{app}:{port_of(deployments[app], 'grpc')}"
        if s.get(f"{env_of.get(svc)}_ADDR") != want_addr:
            fail(f"{where}: TOUSU_{gateway[1]}_{env_of.get(svc)}_ADDR must be {want_addr}, is {s.get(f'{env_of.get(svc)}_ADDR')!r}")
    pod = deployments[gw_app]["spec"]["template"]["spec"]
    path = s.get("PUBLIC_RPCS_FILE", "")
    found = configmap_file(pod, by_kind(objs, "ConfigMap"), path)
    if found is None:
        fail(f"{where}: TOUSU_{gateway[1]}_PUBLIC_RPCS_FILE={path!r} is not a file of a mounted ConfigMap")
    elif os.path.exists(os.path.join(SRC, PUBLIC_RPCS)) and found != open(os.path.join(SRC, PUBLIC_RPCS), encoding="utf-8").read():
        fail(f"{where}: the gateway's public-rpcs.txt differs from {PUBLIC_RPCS}")


def check_wiring(where, objs, processes, settings_of):
    """The services' connections, from deploy/subscriptions.txt and their <OTHER>_ADDR settings:
    each producer reads a mounted copy of the subscriptions and its PEERS names every subscriber
    of its events; each <OTHER>_ADDR names the other's Service and grpc port; each service's gRPC
    port admits exactly the services that deliver events to it or call it (the edge apart:
    check_edge); and each service whose egress is restricted (those of EGRESS_RESTRICTED must be)
    reaches the gRPC ports of exactly the services it delivers to or calls, DNS, its database and
    its EXTERNAL_PORTS. The gateway's egress is the edge's rule (check_edge)."""
    deployments = by_kind(objs, "Deployment")
    netpols = list(by_kind(objs, "NetworkPolicy").values())
    configmaps = by_kind(objs, "ConfigMap")
    apps = {p[0]: f"tousu-{p[0]}" for p in processes if f"tousu-{p[0]}" in deployments}
    env_of = {p[0]: p[1] for p in processes}
    svc_of_env = {p[1]: p[0] for p in processes}
    edge_http = {p[0] for p in processes if p[4]}  # the gateway

    def grpc_address(svc):
        return f"tousu-{svc}:{port_of(deployments[apps[svc]], 'grpc')}"

    # Events: who delivers what to whom.
    events_of = {}  # (producer, subscriber) -> event types
    for producer, event, sub in SUBSCRIPTION_LINES:
        if producer not in apps:
            continue  # not run here (an edge process in dev)
        if sub not in apps:
            fail(f"{where}: {producer} delivers {event} to {sub}, which {where} does not run")
            continue
        events_of.setdefault((producer, sub), []).append(event)
    delivers_to = {svc: set() for svc in apps}
    delivered_by = {svc: set() for svc in apps}
    shared = open(os.path.join(SRC, SUBSCRIPTIONS), encoding="utf-8").read()
    for (producer, sub), events in sorted(events_of.items()):
        delivers_to[producer].add(sub)
        delivered_by[sub].add(producer)
        peers = dict(e.split("=", 1) for e in settings_of.get(producer, {}).get("PEERS", "").split(",") if "=" in e)
        if peers.get(sub) != grpc_address(sub):
            fail(f"{where}: TOUSU_{env_of[producer]}_PEERS must name {sub}={grpc_address(sub)}, names "
                 f"{peers.get(sub)!r}: {producer}'s {', '.join(events)} for {sub} would wait undelivered")
    for producer in sorted({p for p, _ in events_of}):
        path = settings_of.get(producer, {}).get("SUBSCRIPTIONS_FILE", "")
        pod = deployments[apps[producer]]["spec"]["template"]["spec"]
        if (configmap_file(pod, configmaps, path) if path else None) != shared:
            fail(f"{where}: TOUSU_{env_of[producer]}_SUBSCRIPTIONS_FILE={path!r} must be a mounted copy of "
                 f"{SUBSCRIPTIONS}: {producer} produces events")
    # Direct calls: TOUSU_<SVC>_<OTHER>_ADDR.
    calls = {svc: set() for svc in apps}
    for svc in apps:
        for key, value in sorted(settings_of.get(svc, {}).items()):
            other = svc_of_env.get(key[:-len("_ADDR")]) if key.endswith("_ADDR") else None
            if other is None or other == svc:
                continue
            if other not in apps:
                if svc not in edge_http:
                    fail(f"{where}: {svc} calls {other} (TOUSU_{env_of[svc]}_{key}), which {where} does not run")
                continue
            if value != grpc_address(other):
                fail(f"{where}: TOUSU_{env_of[svc]}_{key} must be {grpc_address(other)}, is {value!r}")
            if svc not in edge_http:
                calls[svc].add(other)
    called_by = {svc: {c for c in apps if svc in calls[c]} for svc in apps}
    # Ingress to each gRPC port: exactly the producers delivering to it and its callers.
    edge_apps = {apps[e] for e in edge_http if e in apps}
    for svc, app in sorted(apps.items()):
        if svc in edge_http:
            continue
        admitted = grpc_admitted(app, deployments, netpols) - edge_apps
        for other in sorted(delivered_by[svc] | called_by[svc]):
            if apps[other] not in admitted:
                why = (f"delivers {', '.join(events_of[(other, svc)])} to it" if (other, svc) in events_of
                       else f"calls it (TOUSU_{env_of[other]}_{env_of[svc]}_ADDR)")
                fail(f"{where}: {app}'s NetworkPolicy does not admit {other} to its grpc port, which {why}")
        for other in sorted(a[len("tousu-"):] for a in admitted - {apps[o] for o in delivered_by[svc] | called_by[svc]}):
            fail(f"{where}: {app} admits {other} to its grpc port, but {other} neither delivers events to it "
                 f"({SUBSCRIPTIONS}) nor calls it (no <OTHER>_ADDR setting naming {svc})")
    # Egress, where a service's is restricted.
    for svc, app in sorted(apps.items()):
        if svc in edge_http:
            continue
        labels = pod_labels(deployments[app])
        restricted = any(selector_matches(n["spec"]["podSelector"], labels)
                         and "Egress" in n["spec"].get("policyTypes", []) for n in netpols)
        if not restricted and svc not in EGRESS_RESTRICTED:
            continue
        needs = delivers_to[svc] | calls[svc]
        external = EXTERNAL_PORTS.get(svc, set())
        rules = check_egress(where, app, netpols, labels, {53, 3306} | ({"grpc"} if needs else set()) | external)
        for port in sorted(external):
            if rules and not any(port in [pp.get("port") for pp in r.get("ports", [])] for r in rules):
                fail(f"{where}: {app} cannot reach port {port} outside the cluster (its channels need {sorted(external)})")
        reached = grpc_reached(app, deployments, rules)
        want = {apps[o] for o in needs}
        if rules and reached != want:
            fail(f"{where}: {app}'s egress reaches the gRPC ports of {sorted(reached)}; it delivers events to or "
                 f"calls exactly {sorted(want)}")


def check_notification(where, objs, processes, settings_of, prod):
    """notification: its templates are a mounted ConfigMap copy of deploy/notification/templates.txt,
    its channels' secrets files of read-only Secret volumes (never settings), and its SMS provider
    and mail server are on ports its egress allows; in production, SMS and email are configured."""
    deployments = by_kind(objs, "Deployment")
    proc = next((p for p in processes if p[0] == "notification"), None)
    if not proc or f"tousu-{proc[0]}" not in deployments:
        return
    app = f"tousu-{proc[0]}"
    w, p = f"{where}: Deployment {app}", f"TOUSU_{proc[1]}_"
    pod, s = deployments[app]["spec"]["template"]["spec"], settings_of.get(proc[0], {})
    c = pod["containers"][0]
    mounts, volumes = c.get("volumeMounts", []), {v["name"]: v for v in pod.get("volumes", [])}
    found = configmap_file(pod, by_kind(objs, "ConfigMap"), s.get("TEMPLATES_FILE", ""))
    if found is None:
        fail(f"{w}: {p}TEMPLATES_FILE={s.get('TEMPLATES_FILE')!r} is not a file of a mounted ConfigMap")
    elif (os.path.exists(os.path.join(SRC, NOTIFICATION_TEMPLATES))
          and found != open(os.path.join(SRC, NOTIFICATION_TEMPLATES), encoding="utf-8").read()):
        fail(f"{w}: its templates.txt differs from {NOTIFICATION_TEMPLATES}")
    for key in ("SMS_SECRET_FILE", "SMTP_PASSWORD_FILE", "STAFF_WEBHOOK_URL_FILE"):
        m = secret_mount_of(s.get(key, ""), mounts, volumes, False) if s.get(key) else None
        if m is None:
            fail(f"{w}: {p}{key} must be a file of a Secret volume mounted without subPath, is {s.get(key)!r}")
        elif m.get("readOnly") is not True:
            fail(f"{w}: Secret volume {m['name']} for {p}{key} must be mounted readOnly")
    plain = set(s) | {e["name"][len(p):] for e in c.get("env", []) if "value" in e and e["name"].startswith(p)}
    for key in sorted(plain):
        if key == "STAFF_WEBHOOK_URL" or (("SECRET" in key or "PASSWORD" in key) and not key.endswith("_FILE")):
            fail(f"{w}: {p}{key} is a secret in plain settings: the channels' secrets come from Secret files (*_FILE)")
    if prod:
        for key in ("SMS_ENDPOINT", "SMS_ACCESS_KEY_ID", "SMTP_URL", "MAIL_FROM", "APP_BASE_URL"):
            if not s.get(key):
                fail(f"{w}: {p}{key} must be set in production (customers are told by SMS and email)")
        if s.get("SMS_ENDPOINT") and not s["SMS_ENDPOINT"].startswith("https://"):
            fail(f"{w}: {p}SMS_ENDPOINT must be https: the requests carry customers' phone numbers")
    allowed = EXTERNAL_PORTS.get(proc[0], set())
    for key, default_ports in (("SMS_ENDPOINT", {"https": 443, "http": 80}), ("SMTP_URL", {"smtps": 465, "smtp": 25})):
        if not s.get(key):
            continue
        u = urllib.parse.urlsplit(s[key])
        try:
            port = u.port or default_ports.get(u.scheme)
        except ValueError:
            port = None
        if port not in allowed:
            fail(f"{w}: {p}{key}={s[key]!r} reaches port {port}, which its NetworkPolicy does not let out "
                 f"({sorted(allowed)})")


def runs_edge(overlay):
    """The edge (deploy/edge.conf) runs only with authentication on, as in the local stack: in
    prod; dev runs with authentication off and without the edge."""
    return overlay == "prod"


def check_http_probes(w, c, http_port):
    """The gateway's probes: HTTP on the port the ingress controller sends to; readiness on
    /readyz (down while the database is, and from SIGTERM on), liveness on /healthz."""
    paths = {"startupProbe": ("/readyz", "/healthz"), "readinessProbe": ("/readyz",),
             "livenessProbe": ("/healthz",)}
    for probe, allowed in paths.items():
        get = c.get(probe, {}).get("httpGet")
        if not get:
            fail(f"{w}: {probe} must be an HTTP probe (httpGet)")
            continue
        if get.get("port") not in ("http", http_port):
            fail(f"{w}: {probe} must probe the http port {http_port}")
        if get.get("path") not in allowed:
            fail(f"{w}: {probe} must ask {' or '.join(allowed)}, asks {get.get('path')}")


def secret_mount_of(path, mounts, volumes, directory):
    """The Secret volume mount that provides path (the mounted directory itself, or one file of
    it), or None."""
    for m in mounts:
        v = volumes.get(m["name"], {})
        if "secret" not in v or m.get("subPath") or m.get("subPathExpr"):
            continue
        root = m["mountPath"].rstrip("/")
        if directory:
            if path.rstrip("/") == root:
                return m
            continue
        rel = os.path.relpath(path, root) if path.startswith(root + "/") else None
        if rel is None:
            continue
        items = v["secret"].get("items")
        if (rel in [i["path"] for i in items]) if items else "/" not in rel:
            return m
    return None


def check_auth(overlay, w, p, c, pod, settings, token_secrets):
    """Authentication: on in prod with keys and the service token from Secret volumes that follow
    Secret updates (no subPath, docs/security.md), off in dev (tools/run --auth is the local way)."""
    # Effective environment: explicit env entries win over envFrom.
    effective = dict(settings)
    effective.update({e["name"]: e["value"] for e in c.get("env", []) if "value" in e})
    mounts, volumes = c.get("volumeMounts", []), {v["name"]: v for v in pod.get("volumes", [])}
    for m in mounts:
        v = volumes.get(m["name"])
        if v is None:
            fail(f"{w}: volumeMount {m['name']} has no volume")
        elif "secret" in v and (m.get("subPath") or m.get("subPathExpr")):
            fail(f"{w}: Secret volume {m['name']} mounted with subPath: its files are never updated, so rotating the Secret would not reach the service")
    tls = [k for k in ("TLS_CERT", "TLS_KEY", "TLS_CA") if effective.get(p + k)]
    if tls and len(tls) != 3:
        fail(f"{w}: {p}TLS_CERT, _KEY and _CA are all three or none (the service refuses to start), has {tls}")
    if tls and any("grpc" in c.get(pr, {}) for pr in ("startupProbe", "readinessProbe", "livenessProbe")):
        fail(f"{w}: TLS on, but the kubelet's native gRPC probes speak plaintext only (docs/security.md)")
    if overlay == "dev":
        if effective.get(p + "AUTH_KEYS"):
            fail(f"{w}: dev runs with authentication off: {p}AUTH_KEYS must not be set (tools/run --auth is the local way)")
        return
    if overlay != "prod":
        return
    for key, directory in (("AUTH_KEYS", True), ("AUTH_TOKEN_FILE", False)):
        path = effective.get(p + key)
        if not path:
            fail(f"{w}: {p}{key} not set: production runs with authentication on")
            continue
        m = secret_mount_of(path, mounts, volumes, directory)
        if m is None:
            fail(f"{w}: {p}{key}={path} is not {'the directory' if directory else 'a file'} of a Secret volume mounted without subPath")
            continue
        if m.get("readOnly") is not True:
            fail(f"{w}: Secret volume {m['name']} for {p}{key} must be mounted readOnly")
        if key == "AUTH_TOKEN_FILE":
            token_secrets.setdefault(volumes[m["name"]]["secret"]["secretName"], []).append(w.rsplit(" ", 1)[-1])
    for key in ("AUTH_ISSUER", "AUTH_AUDIENCE"):
        if not effective.get(p + key):
            fail(f"{w}: {p}{key} must be set explicitly in production (the identity provider's iss/aud)")


def check_dev_db(objs):
    init = open(os.path.join(SRC, "k8s/overlays/dev/mariadb-init.sql"), encoding="utf-8").read()
    for s in by_kind(objs, "Secret").values():
        d = {k: base64.b64decode(v).decode() for k, v in s.get("data", {}).items()}
        if "user" in d and f"'{d['user']}'@'%' IDENTIFIED BY '{d['password']}'" not in init:
            fail(f"overlays/dev: Secret {s['metadata']['name']}'s user/password not created by mariadb-init.sql")
        if "database" in d and f"CREATE DATABASE IF NOT EXISTS `{d['database']}`" not in init:
            fail(f"overlays/dev: database {d['database']} not created by mariadb-init.sql")


# The settings a MariaDB needs so that COMMIT returns only once the transaction is on disk
# (docs/durability.md); the flags may be spelled with dashes or underscores.
DURABLE_FLAGS = {"innodb-flush-log-at-trx-commit": "1", "sync-binlog": "1"}


def check_dev_db_durable(statefulset):
    for c in statefulset["spec"]["template"]["spec"]["containers"]:
        if not c.get("image", "").startswith("mariadb"):
            continue
        flags = {}
        for a in c.get("args", []) + c.get("command", []):
            m = re.fullmatch(r"--([\w-]+)=(.*)", a)
            if m:
                flags[m.group(1).replace("_", "-")] = m.group(2)
        for flag, value in DURABLE_FLAGS.items():
            if flags.get(flag) != value:
                fail(f"overlays/dev: MariaDB container {c['name']} must run with --{flag}={value} "
                     f"(durable commits), has {flags.get(flag, 'the default')}")


def main():
    global PUBLIC_SERVICES, SUBSCRIPTION_LINES
    PUBLIC_SERVICES = public_rpc_services()
    SUBSCRIPTION_LINES = subscriptions()
    check_copies()
    overlays = sorted(os.path.basename(p) for p in glob.glob(os.path.join(SRC, "k8s/overlays/*")))
    if set(overlays) != {"dev", "prod"}:
        fail(f"expected overlays dev and prod, found {overlays}")
    rendered = {}
    # k8s/monitoring (the ServiceMonitor) is rendered and validated like an overlay.
    for ov in overlays + ["../monitoring"]:
        try:
            rendered[ov] = render_k8s.render(os.path.join(SRC, "k8s/overlays", ov))
        except render_k8s.RenderError as e:
            fail(f"overlays/{ov}: {e}")
            continue
        res = subprocess.run(["node", os.path.join(os.path.dirname(__file__), "validate_k8s.cjs"), NODE_MODULES],
                             input=json.dumps(rendered[ov]), capture_output=True, text=True)
        print(f"overlays/{ov} schema: {res.stdout.strip().splitlines()[-1] if res.stdout.strip() else res.stderr}")
        if res.returncode != 0:
            fail(f"overlays/{ov}: schema validation failed:\n{res.stdout}{res.stderr}")
        if ov.startswith(".."):
            sm = by_kind(rendered[ov], "ServiceMonitor").get("tousu")
            if not sm or sm["spec"]["endpoints"][0].get("port") != "metrics":
                fail("k8s/monitoring: the ServiceMonitor must scrape the Services' metrics port")
        else:
            check_overlay(ov, rendered[ov])
        # Where the real kustomize is at hand (kubectl's), it must render the same objects.
        if shutil.which("kubectl") and subprocess.run(["kubectl", "kustomize", "--help"], capture_output=True).returncode == 0:
            real = subprocess.run(["kubectl", "kustomize", os.path.join(SRC, "k8s/overlays", ov)], capture_output=True, text=True)
            if real.returncode != 0:
                fail(f"overlays/{ov}: kubectl kustomize failed: {real.stderr}")
            else:
                key = lambda o: (o["kind"], o["metadata"].get("namespace"), o["metadata"]["name"])
                a = {key(o): o for o in rendered[ov]}
                b = {key(o): o for o in yaml.safe_load_all(real.stdout) if o}
                if a != b:
                    fail(f"overlays/{ov}: render_k8s.py and kubectl kustomize disagree on {sorted(k for k in set(a) | set(b) if a.get(k) != b.get(k))}")
                else:
                    print(f"overlays/{ov}: kubectl kustomize renders the same {len(b)} objects")
    if "dev" in rendered:
        check_dev_db(rendered["dev"])
        mariadb = by_kind(rendered["dev"], "StatefulSet").get("tousu-mariadb")
        if not mariadb:
            fail("overlays/dev: no MariaDB StatefulSet")
        else:
            check_dev_db_durable(mariadb)
    if "prod" in rendered and "dev" in rendered:
        for app, h in by_kind(rendered["prod"], "HorizontalPodAutoscaler").items():
            dev = by_kind(rendered["dev"], "HorizontalPodAutoscaler").get(app)
            if dev and not h["spec"]["minReplicas"] > dev["spec"]["minReplicas"]:
                fail(f"overlays/prod: {app} should run more replicas than dev")
        if by_kind(rendered["prod"], "StatefulSet"):
            fail("overlays/prod: uses external databases, must not run a StatefulSet")
    for p in problems:
        print("FAIL:", p)
    print(f"{len(rendered)} kustomizations rendered; {len(problems)} problems")
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main())
