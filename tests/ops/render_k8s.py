#!/usr/bin/env python3
"""Renders a kustomization (k8s/overlays/*) into a list of Kubernetes objects, offline.

kustomize is not packaged in Debian 12, so the tests use this renderer of the subset of kustomize
the manifests use: resources (files and folders), namespace, images, configMapGenerator and
secretGenerator (literals and files, with disableNameSuffixHash), and strategic-merge patches
(with or without a kind/name target). Anything else is refused, so a manifest cannot silently use
a feature this renderer would ignore. Where `kubectl kustomize` exists, check_k8s.py compares both.

  render_k8s.py DIR      prints the objects as one JSON list
"""
import base64
import json
import os
import sys

import yaml

KNOWN_KEYS = {"apiVersion", "kind", "resources", "namespace", "images", "configMapGenerator",
              "secretGenerator", "generatorOptions", "patches"}
CLUSTER_SCOPED = {"Namespace", "ClusterRole", "ClusterRoleBinding", "PersistentVolume",
                  "StorageClass", "CustomResourceDefinition"}


class RenderError(Exception):
    pass


def load_docs(path):
    with open(path, encoding="utf-8") as f:
        return [d for d in yaml.safe_load_all(f) if d is not None]


def merge(base, patch):
    """Strategic merge: maps merge key by key, lists of named maps merge by name, other lists are
    replaced, and a null value deletes the key. A merged list is ordered as kustomize orders it:
    the patch's items first (in the patch's order), then the base's items the patch left alone."""
    if isinstance(base, dict) and isinstance(patch, dict):
        out = dict(base)
        for k, v in patch.items():
            if v is None:
                out.pop(k, None)
            elif k in out:
                out[k] = merge(out[k], v)
            else:
                out[k] = v
        return out
    if (isinstance(base, list) and isinstance(patch, list) and patch
            and all(isinstance(x, dict) and "name" in x for x in base + patch)):
        out = []
        for item in patch:
            old = next((x for x in base if x["name"] == item["name"]), None)
            out.append(item if old is None else merge(old, item))
        patched = {item["name"] for item in patch}
        return out + [x for x in base if x["name"] not in patched]
    return patch


def generate(kind, spec, folder):
    data = {}
    for lit in spec.get("literals", []):
        k, sep, v = lit.partition("=")
        if not sep:
            raise RenderError(f"{folder}: literal without '=': {lit}")
        data[k] = v
    for f in spec.get("files", []):
        key, sep, rel = f.partition("=")
        if not sep:
            key, rel = os.path.basename(f), f
        full = os.path.normpath(os.path.join(folder, rel))
        if not full.startswith(os.path.abspath(folder) + os.sep):
            raise RenderError(f"{folder}: {f} is outside the kustomization folder")
        with open(full, encoding="utf-8") as fh:
            data[key] = fh.read()
    for k in spec:
        if k not in ("name", "literals", "files"):
            raise RenderError(f"{folder}: generator key {k} is not supported")
    obj = {"apiVersion": "v1", "kind": kind, "metadata": {"name": spec["name"]}}
    if kind == "Secret":
        obj["type"] = "Opaque"
        obj["data"] = {k: base64.b64encode(v.encode()).decode() for k, v in data.items()}
    else:
        obj["data"] = data
    return obj


def set_images(obj, images):
    spec = obj.get("spec", {})
    pod = spec.get("template", {}).get("spec") if "template" in spec else None
    if obj.get("kind") == "Pod":
        pod = spec
    if not pod:
        return
    for c in pod.get("containers", []) + pod.get("initContainers", []):
        name, _, _ = c["image"].partition(":")
        for img in images:
            if img["name"] == name:
                c["image"] = f"{img.get('newName', name)}:{img.get('newTag', 'latest')}"


def render(folder):
    folder = os.path.abspath(folder)
    path = os.path.join(folder, "kustomization.yaml")
    if not os.path.exists(path):
        raise RenderError(f"{folder}: no kustomization.yaml")
    k = load_docs(path)[0]
    unknown = set(k) - KNOWN_KEYS
    if unknown:
        raise RenderError(f"{path}: unsupported keys {sorted(unknown)}")
    objs = []
    for res in k.get("resources", []):
        full = os.path.join(folder, res)
        objs += render(full) if os.path.isdir(full) else load_docs(full)
    gens = k.get("configMapGenerator", []) + k.get("secretGenerator", [])
    if gens and not k.get("generatorOptions", {}).get("disableNameSuffixHash"):
        raise RenderError(f"{path}: generators need generatorOptions.disableNameSuffixHash")
    objs += [generate("ConfigMap", g, folder) for g in k.get("configMapGenerator", [])]
    objs += [generate("Secret", g, folder) for g in k.get("secretGenerator", [])]
    for p in k.get("patches", []):
        patch_docs = load_docs(os.path.join(folder, p["path"]))
        target = p.get("target")
        for doc in patch_docs:
            hits = 0
            for i, o in enumerate(objs):
                if target:
                    ok = o["kind"] == target["kind"] and target.get("name", o["metadata"]["name"]) == o["metadata"]["name"]
                    patch = {kk: vv for kk, vv in doc.items() if kk not in ("apiVersion", "kind", "metadata")}
                else:
                    ok = o["kind"] == doc["kind"] and o["metadata"]["name"] == doc["metadata"]["name"]
                    patch = {kk: vv for kk, vv in doc.items() if kk not in ("apiVersion", "kind")}
                if ok:
                    objs[i] = merge(o, patch)
                    hits += 1
            if hits == 0:
                raise RenderError(f"{path}: patch {p['path']} matches nothing")
    if "namespace" in k:
        for o in objs:
            if o["kind"] not in CLUSTER_SCOPED:
                o.setdefault("metadata", {})["namespace"] = k["namespace"]
    for o in objs:
        set_images(o, k.get("images", []))
    return objs


if __name__ == "__main__":
    try:
        json.dump(render(sys.argv[1]), sys.stdout, indent=1, ensure_ascii=False)
    except RenderError as e:
        sys.exit(f"render_k8s: {e}")
