#!/usr/bin/python3
"""Validates every YAML file under examples/ (except examples/gateway) so an example cannot rot.

  /usr/bin/python3 tests/container/validate_manifests.py                 # check, exit 1 on error
  /usr/bin/python3 tests/container/validate_manifests.py --extract-clawinit-configs DIR

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
- files named *restricted*: the Pod Security "restricted" level, rule by rule (runAsNonRoot,
  no root uid, allowPrivilegeEscalation false, capabilities drop ALL and add none but
  NET_BIND_SERVICE, seccompProfile RuntimeDefault/Localhost, no hostPath, no host namespaces,
  no privileged); at least one such workload exists under examples/k8s.
"""

import os
import re
import sys

import yaml

REPO = os.path.abspath(os.path.join(os.path.dirname(__file__), "..", ".."))
ROOTS = ["examples/k8s", "examples/compose", "examples/openclaw"]
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
                if name.endswith((".yaml", ".yml")):
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


def check_restricted(spec, where):
    """Pod Security Standards, "restricted" profile (v1.2x), one rule per check."""
    pod_sc = spec.get("securityContext") or {}
    for host in ("hostNetwork", "hostPID", "hostIPC"):
        if spec.get(host):
            error(where, "restricted: %s must not be set" % host)
    for v in spec.get("volumes", []):
        if "hostPath" in v:
            error(where, "restricted: volume %s is a hostPath" % v.get("name"))
    if pod_sc.get("runAsUser") == 0:
        error(where, "restricted: pod runAsUser 0")
    for c in spec.get("containers", []) + spec.get("initContainers", []):
        cw = "%s container %s" % (where, c.get("name"))
        sc = c.get("securityContext") or {}
        if not (sc.get("runAsNonRoot", pod_sc.get("runAsNonRoot")) is True):
            error(cw, "restricted: runAsNonRoot must be true (pod or container)")
        if sc.get("runAsUser") == 0:
            error(cw, "restricted: runAsUser 0")
        if sc.get("allowPrivilegeEscalation") is not False:
            error(cw, "restricted: allowPrivilegeEscalation must be false")
        if sc.get("privileged"):
            error(cw, "restricted: privileged")
        caps = sc.get("capabilities") or {}
        if "ALL" not in (caps.get("drop") or []):
            error(cw, "restricted: capabilities must drop ALL")
        extra = [a for a in (caps.get("add") or []) if a != "NET_BIND_SERVICE"]
        if extra:
            error(cw, "restricted: capabilities may add only NET_BIND_SERVICE, not %r" % extra)
        seccomp = (sc.get("seccompProfile") or pod_sc.get("seccompProfile") or {}).get("type")
        if seccomp not in RESTRICTED_SECCOMP:
            error(cw, "restricted: seccompProfile.type must be RuntimeDefault or Localhost, got %r" % seccomp)


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
                   restricted=False, is_deployment=False):
    if not isinstance(spec, dict):
        error(where, "no pod spec")
        return
    check_reviewable(spec, where, is_deployment)
    if restricted:
        check_restricted(spec, where)
    for v in spec.get("volumes", []):
        claim = (v.get("persistentVolumeClaim") or {}).get("claimName")
        if claim and claims is not None and claim not in claims:
            error(where, "volume %s: claim %s is neither defined next to it nor marked "
                         "`# user-provided: PersistentVolumeClaim/%s`" % (v.get("name"), claim, claim))
    containers = spec.get("containers") or []
    if not containers:
        error(where, "no containers")
    volumes = {v.get("name"): v for v in spec.get("volumes", [])}
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


def check_k8s(docs_by_file):
    configmaps, secrets, objects = {}, {}, []
    restricted_workloads = []
    for rel, docs in docs_by_file.items():
        for d in docs:
            if "kind" in d:
                objects.append((rel, d))
    # References are resolved within one directory (one deployable set).
    by_dir = {}
    for rel, d in objects:
        by_dir.setdefault(os.path.dirname(rel), []).append((rel, d))
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
            if kind == "Deployment":
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
                restricted = "restricted" in os.path.basename(rel)
                check_pod_spec(get(d, "spec.template.spec", where), where, configmaps, secrets,
                               claims=claims, restricted=restricted, is_deployment=True)
                workloads.append((labels, d))
                if restricted:
                    restricted_workloads.append(rel)
                selected = {k for k, o in objs_selecting(objs, labels)}
                for needed in ("Service", "PodDisruptionBudget"):
                    if needed not in selected:
                        error(where, "no %s selects it" % needed)
            elif kind == "Pod":
                restricted = "restricted" in os.path.basename(rel)
                check_pod_spec(get(d, "spec", where), where, configmaps, secrets, claims=claims,
                               restricted=restricted)
                workloads.append((d["metadata"].get("labels") or {}, d))
                if restricted:
                    restricted_workloads.append(rel)
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
                        if w["kind"] == "Deployment" and isinstance(d["spec"].get("minAvailable"), int) \
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
            else:
                error(where, "unexpected kind %s" % kind)
        del workloads
    if not any(r.startswith("examples/k8s/") for r in restricted_workloads):
        error("examples/k8s", "no workload in a *restricted* file: the Pod Security restricted variant is missing")


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
    return w["spec"]["template"]["spec"] if w["kind"] == "Deployment" else w["spec"]


def workloads_all(objs):
    out = []
    for _r, d in objs:
        if d["kind"] == "Deployment":
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


def main(argv):
    extract_dir = None
    if len(argv) == 3 and argv[1] == "--extract-clawinit-configs":
        extract_dir = argv[2]
    elif len(argv) != 1:
        print(__doc__)
        return 2
    docs_by_file, count = {}, 0
    for rel in yaml_files():
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
    check_k8s({rel: [d for d in docs if isinstance(d, dict)] for rel, docs in docs_by_file.items()})
    check_openclaw_values(docs_by_file)
    if errors:
        print("manifest errors:")
        for e in errors:
            print("  " + e)
        return 1
    print("   ok  %d YAML documents in %d files under %s" % (count, len(docs_by_file), ", ".join(ROOTS)))
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
