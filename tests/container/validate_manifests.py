#!/usr/bin/python3
"""Validates every YAML file under examples/ (except examples/gateway) so an example cannot rot.

  /usr/bin/python3 tests/container/validate_manifests.py                 # check, exit 1 on error
  /usr/bin/python3 tests/container/validate_manifests.py --rendered DIR  # + kustomize renders
  /usr/bin/python3 tests/container/validate_manifests.py --extract-clawinit-configs DIR

--rendered DIR: the output of `kubectl kustomize` for each kustomization under examples/k8s
(tests/k8s/run.sh writes DIR/NAME.LEVEL.yaml, LEVEL being the Pod Security level the package
claims), each file one deployable set. The kustomize sources themselves (examples/k8s,
kustomization.yaml files) are not read as manifests; their clawinit configurations (the
configMapGenerator files) are extracted for check-config like the ConfigMaps' ones.

Needs python3-yaml (Debian package). What is checked:
- every file parses; each document is a Kubernetes object (has `kind`), a Compose file (has
  `services`) or a clawinit configuration (anything else: run.sh passes those, and the clawinit
  YAML embedded in ConfigMaps, through `clawinit check-config`);
- Kubernetes objects: required fields per kind, selectors that match the pod template, named
  ports that exist, ConfigMaps and Secrets that are referenced exist in the same directory,
  probes on clawinit's paths and probe port, and terminationGracePeriodSeconds > drain-delay +
  grace of the clawinit configuration the container uses;
- Compose: restart policy, stop_grace_period > clawinit's drain + grace, the clawinit
  healthcheck, named volumes declared, ports published on 127.0.0.1 only;
- what a cluster admin reviews: no Secret objects (applying one would overwrite the user's real
  token; a Secret or claim the user creates is named in a `# user-provided: Kind/name` comment),
  every claim defined or user-provided, a probe-level terminationGracePeriodSeconds on every
  livenessProbe, and for Deployments: resources.requests, allowPrivilegeEscalation false, a
  RuntimeDefault seccompProfile, a Service and a PodDisruptionBudget selecting it; OpenClaw
  workloads keep /home/node/.openclaw on a claim (what the Compose setups persist);
- Pod Security (tests/k8s/pod_security.py, every rule of the level): each rendered package at
  the level its file name claims, examples/openclaw/k8s-*.yaml at "baseline"; a "restricted"
  rendering must exist. examples/podman/ is for `podman kube play` only (hostPorts, a local
  image) and claims no level;
- rendered packages, what a cluster package needs: the recommended app.kubernetes.io labels on
  every object, automountServiceAccountToken false, an emptyDir sizeLimit, topology spread for
  more than one replica, a generated (content-hashed) clawinit ConfigMap so a config change
  rolls the pods, a NetworkPolicy that limits the probe port (and whose peers are not the
  gateway pods themselves: kustomize's label transformer rewrites NetworkPolicy matchLabels), and a PodMonitor and
  PrometheusRule selecting the workload where the monitoring component is included.
"""

import os
import re
import sys

import yaml

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "k8s"))
from pod_security import violations as pod_security_violations  # noqa: E402

REPO = os.path.abspath(os.path.join(os.path.dirname(__file__), "..", ".."))
ROOTS = ["examples/compose", "examples/openclaw", "examples/podman"]
KUSTOMIZE_ROOT = "examples/k8s"
RECOMMENDED_LABELS = ["app.kubernetes.io/" + k for k in
                      ("name", "instance", "version", "component", "part-of", "managed-by")]
IMAGE_CONFIG = "docker/rootfs/etc/clawinit/clawinit.yaml"
PROBE_PATHS = {"livenessProbe": "/healthz", "readinessProbe": "/readyz", "startupProbe": "/startupz"}
PROBE_EXEC = {"livenessProbe": "live", "readinessProbe": "ready", "startupProbe": "startup"}

errors = []


def error(where, text):
    errors.append("%s: %s" % (where, text))


def seconds(value, default=0.0):
    """clawinit/Compose durations: 250ms, 8s, 2m, 1h, bare seconds."""
    if value is None:
        return default
    m = re.fullmatch(r"\s*(\d+(?:\.\d+)?)\s*(ms|s|m|h)?\s*", str(value))
    if not m:
        raise ValueError("bad duration %r" % value)
    return float(m.group(1)) * {"ms": 0.001, "s": 1, None: 1, "m": 60, "h": 3600}[m.group(2)]


def get(obj, path, where, required=True):
    cur = obj
    for key in path.split("."):
        if not isinstance(cur, dict) or key not in cur:
            if required:
                error(where, "missing %s" % path)
            return None
        cur = cur[key]
    return cur


def yaml_files():
    for root in ROOTS:
        base = os.path.join(REPO, root)
        for dirpath, _dirs, files in os.walk(base):
            for name in sorted(files):
                if name.endswith((".yaml", ".yml")) and name != "kustomization.yaml":
                    yield os.path.relpath(os.path.join(dirpath, name), REPO)


def load_all(rel):
    with open(os.path.join(REPO, rel)) as f:
        return [d for d in yaml.safe_load_all(f) if d is not None]


def clawinit_config_of(container, configmaps, where):
    """The clawinit YAML a container runs with: the ConfigMap mounted at the -c path, else the
    image's built-in file; CLAWINIT_* env entries win, as in clawinit."""
    cfg = {}
    with open(os.path.join(REPO, IMAGE_CONFIG)) as f:
        cfg.update(yaml.safe_load(f) or {})
    cmd = list(container.get("command") or [])
    cfg_path = cmd[cmd.index("-c") + 1] if "-c" in cmd else "/etc/clawinit/clawinit.yaml"
    mounts = {m["mountPath"]: m["name"] for m in container.get("volumeMounts", [])}
    for mount_path, vol_name in mounts.items():
        if cfg_path.startswith(mount_path.rstrip("/") + "/"):
            cm = container["_volumes"].get(vol_name, {}).get("configMap")
            if cm:
                data = configmaps.get(cm["name"])
                key = os.path.relpath(cfg_path, mount_path)
                if data is None or key not in data:
                    error(where, "configMap %s with key %s (for -c %s) not found" % (cm["name"], key, cfg_path))
                else:
                    cfg = yaml.safe_load(data[key]) or {}
    for env in container.get("env", []):
        name = env.get("name", "")
        if name.startswith("CLAWINIT_") and "value" in env:
            cfg[name[len("CLAWINIT_"):].lower().replace("_", "-")] = env["value"]
    return cfg


RESTRICTED_SECCOMP = ("RuntimeDefault", "Localhost")


def pod_security_level(rel):
    """The Pod Security level a file's workloads must pass, or None (Podman-only files)."""
    m = re.fullmatch(r"[^.]+\.(baseline|restricted)\.yaml", os.path.basename(rel))
    if m and os.path.isabs(rel):
        return m.group(1)
    if rel.startswith("examples/openclaw/"):
        return "baseline"
    return None


def check_reviewable(spec, where, is_deployment):
    """What a cluster admin asks of a workload, restricted or not."""
    pod_sc = spec.get("securityContext") or {}
    for c in spec.get("containers", []):
        cw = "%s container %s" % (where, c.get("name"))
        live = c.get("livenessProbe") or {}
        if live and not isinstance(live.get("terminationGracePeriodSeconds"), int):
            error(cw, "livenessProbe needs its own terminationGracePeriodSeconds (a hung gateway "
                      "drains nothing; the pod's grace would delay its replacement)")
        elif live and live["terminationGracePeriodSeconds"] >= spec.get("terminationGracePeriodSeconds", 30):
            error(cw, "livenessProbe terminationGracePeriodSeconds must be below the pod's")
        sc = c.get("securityContext") or {}
        if sc.get("allowPrivilegeEscalation") is not False:
            error(cw, "allowPrivilegeEscalation must be false")
        seccomp = (sc.get("seccompProfile") or pod_sc.get("seccompProfile") or {}).get("type")
        if seccomp not in RESTRICTED_SECCOMP:
            error(cw, "seccompProfile RuntimeDefault (pod or container) missing")
        if is_deployment and not (c.get("resources") or {}).get("requests"):
            error(cw, "resources.requests missing (BestEffort pods are evicted first)")
        if "openclaw" in (c.get("args") or []):
            volumes = {v.get("name"): v for v in spec.get("volumes", [])}
            mount = [m for m in c.get("volumeMounts", []) if m.get("mountPath") == "/home/node/.openclaw"]
            if not mount or "persistentVolumeClaim" not in volumes.get(mount[0].get("name"), {}):
                error(cw, "/home/node/.openclaw (the gateway's state) must be on a persistentVolumeClaim")


def check_pod_spec(spec, where, configmaps, secrets, template_labels=None, claims=None,
                   level=None, is_deployment=False, annotations=None, claim_templates=None):
    if not isinstance(spec, dict):
        error(where, "no pod spec")
        return
    check_reviewable(spec, where, is_deployment)
    if level:
        for v in pod_security_violations(spec, level, annotations):
            error(where, "Pod Security %s: %s" % (level, v))
    for v in spec.get("volumes", []):
        claim = (v.get("persistentVolumeClaim") or {}).get("claimName")
        if claim and claims is not None and claim not in claims:
            error(where, "volume %s: claim %s is neither defined next to it nor marked "
                         "`# user-provided: PersistentVolumeClaim/%s`" % (v.get("name"), claim, claim))
    containers = spec.get("containers") or []
    if not containers:
        error(where, "no containers")
    volumes = {v.get("name"): v for v in spec.get("volumes", [])}
    # A StatefulSet's claims are volumes of its pods, by the claim template's name.
    volumes.update({n: {"persistentVolumeClaim": {"claimName": n}} for n in claim_templates or []})
    for v in volumes.values():
        if "configMap" in v and v["configMap"].get("name") not in configmaps:
            error(where, "volume %s: configMap %s is not defined next to it" % (v["name"], v["configMap"].get("name")))
    for c in containers:
        cw = "%s container %s" % (where, c.get("name"))
        for key in ("name", "image"):
            if not c.get(key):
                error(cw, "missing %s" % key)
        cmd = c.get("command") or []
        if not cmd or os.path.basename(cmd[0]) != "clawinit" or "--" not in cmd:
            error(cw, "command must be [\"/clawinit\", ..., \"--\"] with the gateway in args, got %r" % cmd)
        for m in c.get("volumeMounts", []):
            if m.get("name") not in volumes:
                error(cw, "volumeMount %s has no volume" % m.get("name"))
        for env in c.get("env", []):
            ref = (env.get("valueFrom") or {}).get("secretKeyRef")
            if ref and (ref.get("name") not in secrets or ref.get("key") not in secrets[ref["name"]]):
                error(cw, "env %s: secret %s key %s is not defined next to it" % (env["name"], ref.get("name"), ref.get("key")))
        ports = {p.get("name"): p.get("containerPort") for p in c.get("ports", [])}
        c = dict(c, _volumes=volumes)
        cfg = clawinit_config_of(c, configmaps, cw)
        probe_port = int(str(cfg.get("probe-listen", "0.0.0.0:8899")).rsplit(":", 1)[1])
        if probe_port not in ports.values():
            error(cw, "probe port %d is not among the container's ports %r" % (probe_port, ports))
        for probe, path in PROBE_PATHS.items():
            p = c.get(probe)
            if not p:
                error(cw, "missing %s" % probe)
                continue
            if "httpGet" in p:
                port = p["httpGet"].get("port")
                port = ports.get(port, port)
                if p["httpGet"].get("path") != path or port != probe_port:
                    error(cw, "%s must be GET %s on port %d, got %r" % (probe, path, probe_port, p["httpGet"]))
            elif "exec" in p:
                want = ["/clawinit", "probe", PROBE_EXEC[probe]]
                got = list(p["exec"].get("command") or [])
                if not got or os.path.basename(got[0]) != "clawinit" or got[1:] != want[1:]:
                    error(cw, "%s exec must be %r" % (probe, want))
            else:
                error(cw, "%s is neither httpGet nor exec" % probe)
        tgps = spec.get("terminationGracePeriodSeconds", 30)
        need = seconds(cfg.get("drain-delay"), 0) + seconds(cfg.get("grace"), 8)
        if not tgps > need:
            error(cw, "terminationGracePeriodSeconds %s must exceed drain-delay + grace = %gs" % (tgps, need))


def user_provided(rel_files, kind):
    """Names marked `# user-provided: Kind/name` in the given files: objects the user creates
    (a Secret with a real token), documented instead of shipped."""
    names = set()
    for rel in rel_files:
        with open(os.path.join(REPO, rel)) as f:
            names |= set(re.findall(r"#\s*user-provided:\s*%s/([a-z0-9.-]+)" % kind, f.read()))
    return names


def check_k8s(docs_by_file, rendered=False):
    configmaps, secrets, objects = {}, {}, []
    levels_seen = set()
    for rel, docs in docs_by_file.items():
        for d in docs:
            if "kind" in d:
                objects.append((rel, d))
    # References are resolved within one file (one deployable set: `kubectl apply -f FILE`).
    by_dir = {}
    for rel, d in objects:
        by_dir.setdefault(rel, []).append((rel, d))
    for _dir, objs in by_dir.items():
        configmaps = {d["metadata"]["name"]: d.get("data", {}) for _r, d in objs if d["kind"] == "ConfigMap"}
        files = sorted({r for r, _d in objs})
        secrets = {name: {"token"} for name in user_provided(files, "Secret")}
        claims = {d["metadata"]["name"] for _r, d in objs if d["kind"] == "PersistentVolumeClaim"}
        claims |= user_provided(files, "PersistentVolumeClaim")
        workloads = []
        for rel, d in objs:
            kind = d["kind"]
            where = "%s %s/%s" % (rel, kind, (d.get("metadata") or {}).get("name"))
            if not d.get("apiVersion"):
                error(where, "missing apiVersion")
            if not get(d, "metadata.name", where):
                continue
            if kind in ("Deployment", "StatefulSet"):
                if d.get("apiVersion") != "apps/v1":
                    error(where, "apiVersion must be apps/v1")
                sel = get(d, "spec.selector.matchLabels", where) or {}
                labels = get(d, "spec.template.metadata.labels", where) or {}
                if not sel or any(labels.get(k) != v for k, v in sel.items()):
                    error(where, "selector %r does not match template labels %r" % (sel, labels))
                strategy = get(d, "spec.strategy.type", where, required=False)
                if strategy not in (None, "RollingUpdate", "Recreate"):
                    error(where, "strategy must be RollingUpdate or Recreate")
                if strategy == "Recreate" and d["spec"].get("replicas", 1) != 1:
                    error(where, "Recreate is for a single replica on a ReadWriteOnce claim")
                level = pod_security_level(rel)
                levels_seen.add(level)
                check_pod_spec(get(d, "spec.template.spec", where), where, configmaps, secrets,
                               claims=claims, level=level, is_deployment=True,
                               claim_templates=[t["metadata"]["name"] for t in d["spec"].get("volumeClaimTemplates", [])],
                               annotations=(d["spec"]["template"].get("metadata") or {}).get("annotations"))
                if os.path.isabs(rel) or rel.startswith("examples/openclaw/k8s-2026.9"):
                    check_cluster_package(d, where, objs)
                workloads.append((labels, d))
                selected = {k for k, o in objs_selecting(objs, labels)}
                for needed in ("Service", "PodDisruptionBudget"):
                    if needed not in selected:
                        error(where, "no %s selects it" % needed)
            elif kind == "Pod":
                level = pod_security_level(rel)
                levels_seen.add(level)
                check_pod_spec(get(d, "spec", where), where, configmaps, secrets, claims=claims,
                               level=level, annotations=d["metadata"].get("annotations"))
                workloads.append((d["metadata"].get("labels") or {}, d))
            elif kind in ("Service", "PodDisruptionBudget"):
                sel = (get(d, "spec.selector", where) or {})
                if kind == "PodDisruptionBudget":
                    if d.get("apiVersion") != "policy/v1":
                        error(where, "apiVersion must be policy/v1")
                    sel = sel.get("matchLabels", {})
                    if "minAvailable" not in d["spec"] and "maxUnavailable" not in d["spec"]:
                        error(where, "needs minAvailable or maxUnavailable")
                matched = [w for labels, w in workloads_all(objs) if sel and all(labels.get(k) == v for k, v in sel.items())]
                if not matched:
                    error(where, "selector %r matches no workload in %s" % (sel, os.path.dirname(rel)))
                if kind == "Service":
                    for p in get(d, "spec.ports", where) or []:
                        if "port" not in p:
                            error(where, "port without `port`")
                        tp = p.get("targetPort")
                        if isinstance(tp, str) and matched:
                            names = {pp.get("name") for w in matched for c in pod_spec(w).get("containers", []) for pp in c.get("ports", [])}
                            if tp not in names:
                                error(where, "targetPort %s is not a named container port" % tp)
                if kind == "PodDisruptionBudget":
                    for w in matched:
                        if w["kind"] in ("Deployment", "StatefulSet") and isinstance(d["spec"].get("minAvailable"), int) \
                                and d["spec"]["minAvailable"] >= w["spec"].get("replicas", 1):
                            error(where, "minAvailable >= replicas blocks every drain")
            elif kind == "ConfigMap":
                for key, value in (d.get("data") or {}).items():
                    if not isinstance(value, str):
                        error(where, "data.%s is not a string" % key)
                    elif key.endswith((".yaml", ".yml")):
                        try:
                            yaml.safe_load(value)
                        except yaml.YAMLError as e:
                            error(where, "data.%s: %s" % (key, e))
            elif kind == "Secret":
                error(where, "a Secret in an example overwrites the user's real one at every "
                             "`kubectl apply`: document `kubectl create secret` and mark it "
                             "`# user-provided: Secret/NAME` instead")
            elif kind == "PersistentVolumeClaim":
                if not get(d, "spec.resources.requests.storage", where) or not get(d, "spec.accessModes", where):
                    error(where, "a claim needs accessModes and a storage request")
            elif kind in ("NetworkPolicy", "PodMonitor"):
                key = "spec.podSelector.matchLabels" if kind == "NetworkPolicy" else "spec.selector.matchLabels"
                sel = get(d, key, where) or {}
                if not [w for labels, w in workloads_all(objs) if all(labels.get(k) == v for k, v in sel.items())]:
                    error(where, "selector %r matches no workload" % sel)
            elif kind == "PrometheusRule":
                if not get(d, "spec.groups", where):
                    error(where, "no rule groups")
            else:
                error(where, "unexpected kind %s" % kind)
        del workloads
    if rendered and "restricted" not in levels_seen:
        error(KUSTOMIZE_ROOT, "no package rendered at Pod Security \"restricted\": the restricted overlay is missing")


def check_cluster_package(w, where, objs):
    """What a rendered cluster package must have beyond a valid workload (see the docstring)."""
    spec = w["spec"]["template"]["spec"]
    for _r, d in objs:
        labels = (d.get("metadata") or {}).get("labels") or {}
        missing = [k for k in RECOMMENDED_LABELS if k not in labels]
        if missing:
            error("%s %s/%s" % (where, d["kind"], d["metadata"]["name"]), "recommended labels missing: %s" % ", ".join(missing))
    if spec.get("automountServiceAccountToken") is not False:
        error(where, "automountServiceAccountToken must be false (the gateway does not use the API)")
    for v in spec.get("volumes", []):
        if "emptyDir" in v and not (v["emptyDir"] or {}).get("sizeLimit"):
            error(where, "emptyDir %s needs a sizeLimit" % v["name"])
        cm = (v.get("configMap") or {}).get("name", "")
        if cm and not re.search(r"-[a-z0-9]{10}$", cm):
            error(where, "configMap %s has no content hash: generate it (configMapGenerator) so a "
                         "config change rolls the pods" % cm)
    if w["spec"].get("replicas", 1) > 1 and not spec.get("topologySpreadConstraints"):
        error(where, "%d replicas without topologySpreadConstraints" % w["spec"]["replicas"])
    labels = w["spec"]["template"]["metadata"].get("labels") or {}
    kinds = {}
    for _r, d in objs:
        sel = ((d.get("spec") or {}).get("podSelector" if d["kind"] == "NetworkPolicy" else "selector") or {})
        sel = sel.get("matchLabels") or {}
        if sel and all(labels.get(k) == v for k, v in sel.items()):
            kinds.setdefault(d["kind"], []).append(d)
    probe_ports = {p.get("name") for c in spec["containers"] for p in c.get("ports", [])
                   if p.get("containerPort") == 8899}
    policies = kinds.get("NetworkPolicy", [])
    if not policies:
        error(where, "no NetworkPolicy selects it (/status and /metrics open to the cluster)")
    for np in policies:
        for rule in np["spec"].get("ingress", []):
            for peer in rule.get("from", []):
                sel = (peer.get("podSelector") or {}).get("matchLabels")
                if sel and all(labels.get(k) == v for k, v in sel.items()):
                    error(where, "NetworkPolicy %s admits the gateway pods themselves where another "
                                 "peer was meant (a label transformer rewrote its podSelector?)"
                                 % np["metadata"]["name"])
            ports = {p.get("port") for p in rule.get("ports", [])}
            if not rule.get("from") and (not rule.get("ports") or ports & (probe_ports | {8899})):
                error(where, "NetworkPolicy %s opens the probe port to everyone" % np["metadata"]["name"])
    if any(d["kind"] == "PrometheusRule" for _r, d in objs) and "PodMonitor" not in kinds:
        error(where, "monitoring included but no PodMonitor selects it")


def objs_selecting(objs, labels):
    """(kind, object) of the Services and PodDisruptionBudgets whose selector matches labels."""
    out = []
    for _r, d in objs:
        if d["kind"] == "Service":
            sel = (d.get("spec") or {}).get("selector") or {}
        elif d["kind"] == "PodDisruptionBudget":
            sel = ((d.get("spec") or {}).get("selector") or {}).get("matchLabels") or {}
        else:
            continue
        if sel and all(labels.get(k) == v for k, v in sel.items()):
            out.append((d["kind"], d))
    return out


def pod_spec(w):
    return w["spec"]["template"]["spec"] if w["kind"] in ("Deployment", "StatefulSet") else w["spec"]


def workloads_all(objs):
    out = []
    for _r, d in objs:
        if d["kind"] in ("Deployment", "StatefulSet"):
            out.append((((d.get("spec") or {}).get("template") or {}).get("metadata", {}).get("labels") or {}, d))
        elif d["kind"] == "Pod":
            out.append(((d.get("metadata") or {}).get("labels") or {}, d))
    return out


def check_compose(rel, doc):
    services = doc.get("services") or {}
    if not services:
        error(rel, "no services")
    declared = set((doc.get("volumes") or {}).keys())
    for name, s in services.items():
        where = "%s service %s" % (rel, name)
        if not (s.get("image") or s.get("build")):
            error(where, "needs image or build")
        if s.get("restart") not in ("no", "always", "on-failure", "unless-stopped"):
            error(where, "restart policy %r" % s.get("restart"))
        if s.get("init"):
            error(where, "init: true would put docker-init above clawinit as PID 1")
        env = s.get("environment") or {}
        if isinstance(env, list):
            env = dict(e.split("=", 1) for e in env)
        cfg = {}
        with open(os.path.join(REPO, IMAGE_CONFIG)) as f:
            cfg.update(yaml.safe_load(f) or {})
        for k, v in env.items():
            if k.startswith("CLAWINIT_"):
                cfg[k[len("CLAWINIT_"):].lower().replace("_", "-")] = v
        need = seconds(cfg.get("drain-delay"), 0) + seconds(cfg.get("grace"), 8)
        if not seconds(s.get("stop_grace_period"), 10) > need:
            error(where, "stop_grace_period %s must exceed drain + grace = %gs" % (s.get("stop_grace_period"), need))
        hc = (s.get("healthcheck") or {}).get("test")
        if not (isinstance(hc, list) and hc[:2] == ["CMD", "/clawinit"]):
            error(where, "healthcheck must be [\"CMD\", \"/clawinit\", \"probe\", ...], got %r" % hc)
        for v in s.get("volumes", []):
            src = str(v).split(":", 1)[0]
            if not src.startswith((".", "/", "~")) and src not in declared:
                error(where, "named volume %s not declared" % src)
        for p in s.get("ports", []):
            if not str(p).startswith("127.0.0.1:"):
                error(where, "port %s is not published on 127.0.0.1 only" % p)


def check_openclaw_values(docs_by_file):
    """examples/openclaw/k8s-V.yaml must carry examples/openclaw/openclaw-V.yaml unchanged."""
    for rel, docs in docs_by_file.items():
        m = re.fullmatch(r"examples/openclaw/k8s-(.+)\.yaml", rel)
        if not m:
            continue
        config_rel = "examples/openclaw/openclaw-%s.yaml" % m.group(1)
        if config_rel not in docs_by_file:
            error(rel, "no %s next to it" % config_rel)
            continue
        want = docs_by_file[config_rel][0]
        cms = [d for d in docs if d.get("kind") == "ConfigMap"]
        if len(cms) != 1 or yaml.safe_load(cms[0].get("data", {}).get("clawinit.yaml", "")) != want:
            error(rel, "its ConfigMap's clawinit.yaml differs from %s" % config_rel)


def generator_files():
    """(kustomization dir, file) of every configMapGenerator file under examples/: the clawinit
    configurations that reach a cluster through kustomize."""
    for dirpath, _dirs, files in os.walk(os.path.join(REPO, "examples")):
        if "kustomization.yaml" in files:
            with open(os.path.join(dirpath, "kustomization.yaml")) as f:
                k = yaml.safe_load(f) or {}
            for gen in k.get("configMapGenerator") or []:
                for spec in gen.get("files") or []:
                    yield dirpath, spec.split("=", 1)[-1]


def main(argv):
    extract_dir = rendered_dir = None
    if len(argv) == 3 and argv[1] == "--extract-clawinit-configs":
        extract_dir = argv[2]
    elif len(argv) == 3 and argv[1] == "--rendered":
        rendered_dir = os.path.abspath(argv[2])
    elif len(argv) != 1:
        print(__doc__)
        return 2
    if extract_dir:
        for dirpath, name in generator_files():
            rel = os.path.relpath(os.path.join(dirpath, name), REPO)
            with open(os.path.join(dirpath, name)) as src, \
                    open(os.path.join(extract_dir, rel.replace("/", "_")), "w") as dst:
                dst.write(src.read())
    rels = list(yaml_files())
    if rendered_dir:
        rels += sorted(os.path.join(rendered_dir, n) for n in os.listdir(rendered_dir) if n.endswith(".yaml"))
        if not any(os.path.isabs(r) for r in rels):
            error(rendered_dir, "no rendered packages")
    docs_by_file, count = {}, 0
    for rel in rels:
        try:
            docs_by_file[rel] = load_all(rel)
        except yaml.YAMLError as e:
            error(rel, "does not parse: %s" % e)
            continue
        for d in docs_by_file[rel]:
            count += 1
            if not isinstance(d, dict):
                error(rel, "top level is not a mapping")
            elif "services" in d:
                check_compose(rel, d)
            elif extract_dir and d.get("kind") == "ConfigMap":
                for key, value in (d.get("data") or {}).items():
                    if key == "clawinit.yaml" or key.startswith("clawinit"):
                        out = "%s-%s-%s" % (rel.replace("/", "_"), d["metadata"]["name"], key)
                        with open(os.path.join(extract_dir, out), "w") as f:
                            f.write(value)
    if extract_dir:
        return 0
    check_k8s({rel: [d for d in docs if isinstance(d, dict)] for rel, docs in docs_by_file.items()},
              rendered=bool(rendered_dir))
    check_openclaw_values(docs_by_file)
    if errors:
        print("manifest errors:")
        for e in errors:
            print("  " + e)
        return 1
    print("   ok  %d YAML documents in %d files under %s" % (
        count, len(docs_by_file), ", ".join(ROOTS + ([rendered_dir] if rendered_dir else []))))
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
