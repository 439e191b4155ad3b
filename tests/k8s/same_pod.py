#!/usr/bin/python3
"""The Helm chart and the kustomize package must deploy the same gateway: the pod template of
each pair of renderings is compared field by field, leaving out only what legitimately
differs (labels and selectors, which carry Helm's release name and managed-by; the generated
ConfigMap's name, whose hash covers different YAML text). The clawinit configuration inside the
ConfigMaps and the PrometheusRule's rules must be equal too.

    same_pod.py KUSTOMIZE_RENDER.yaml HELM_RENDER.yaml
"""
import json
import sys

import yaml


def objects(path):
    with open(path) as f:
        return {d["kind"]: d for d in yaml.safe_load_all(f) if d}


def normalised_pod(deployment):
    t = json.loads(json.dumps(deployment["spec"]["template"]))
    t["metadata"].pop("labels", None)
    spec = t["spec"]
    for c in spec.get("topologySpreadConstraints", []):
        c.pop("labelSelector", None)
    for v in spec.get("volumes", []):
        if "configMap" in v:
            v["configMap"]["name"] = "<generated>"
    return t


def main(kustomized, helmed):
    k, h = objects(kustomized), objects(helmed)
    errors = []
    if normalised_pod(k["Deployment"]) != normalised_pod(h["Deployment"]):
        a = yaml.safe_dump(normalised_pod(k["Deployment"])).splitlines()
        b = yaml.safe_dump(normalised_pod(h["Deployment"])).splitlines()
        import difflib
        errors.append("pod templates differ:\n" + "\n".join(difflib.unified_diff(a, b, "kustomize", "helm", lineterm="")))
    for key in ("replicas", "strategy", "minReadySeconds", "revisionHistoryLimit"):
        if k["Deployment"]["spec"].get(key) != h["Deployment"]["spec"].get(key):
            errors.append("Deployment spec.%s differs" % key)
    kc = yaml.safe_load(k["ConfigMap"]["data"]["clawinit.yaml"])
    hc = yaml.safe_load(h["ConfigMap"]["data"]["clawinit.yaml"])
    if kc != hc:
        errors.append("clawinit.yaml differs: kustomize %r, helm %r" % (kc, hc))
    if "PrometheusRule" in k and k["PrometheusRule"]["spec"] != h.get("PrometheusRule", {}).get("spec"):
        errors.append("PrometheusRule rules differ")
    for kind in ("Service", "PodDisruptionBudget", "NetworkPolicy"):
        ks = {x: y for x, y in k[kind]["spec"].items() if x not in ("selector", "podSelector")}
        hs = {x: y for x, y in h[kind]["spec"].items() if x not in ("selector", "podSelector")}
        if ks != hs:
            errors.append("%s spec differs: %r vs %r" % (kind, ks, hs))
    for e in errors:
        print("%s vs %s: %s" % (kustomized, helmed, e))
    if not errors:
        print("   ok  the Helm chart renders the same pod, config, rules, Service, PDB and NetworkPolicy as %s"
              % kustomized.rsplit("/", 1)[-1])
    return 1 if errors else 0


if __name__ == "__main__":
    sys.exit(main(*sys.argv[1:]))
