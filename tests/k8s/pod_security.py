"""Pod Security Standards (kubernetes.io/docs/concepts/security/pod-security-standards/), every
rule of the "baseline" and "restricted" levels, as the Pod Security admission controller applies
them to a pod spec. Pure: a pod spec (and its metadata) in, a list of violations out.

    violations(pod_spec, level, annotations=None) -> ["hostPort: container gateway port 8888 ...", ...]

Used by tests/container/validate_manifests.py on every rendered workload; each rule is broken on
purpose by tests/k8s/test_pod_security.py, so none of them can pass silently.
"""

LEVELS = ("baseline", "restricted")

# Baseline "Capabilities": what a container may add.
BASELINE_CAPABILITIES = {
    "AUDIT_WRITE", "CHOWN", "DAC_OVERRIDE", "FOWNER", "FSETID", "KILL", "MKNOD",
    "NET_BIND_SERVICE", "SETFCAP", "SETGID", "SETPCAP", "SETUID", "SYS_CHROOT",
}
# Baseline "Sysctls": the safe set.
SAFE_SYSCTLS = {
    "kernel.shm_rmid_forced", "net.ipv4.ip_local_port_range", "net.ipv4.ip_unprivileged_port_start",
    "net.ipv4.tcp_syncookies", "net.ipv4.ping_group_range", "net.ipv4.ip_local_reserved_ports",
    "net.ipv4.tcp_keepalive_time", "net.ipv4.tcp_fin_timeout", "net.ipv4.tcp_keepalive_intvl",
    "net.ipv4.tcp_keepalive_probes",
}
SELINUX_TYPES = {"", "container_t", "container_init_t", "container_kvm_t", "container_engine_t"}
# Restricted "Volume Types".
RESTRICTED_VOLUMES = {
    "configMap", "csi", "downwardAPI", "emptyDir", "ephemeral", "persistentVolumeClaim",
    "projected", "secret",
}
APPARMOR_ANNOTATION = "container.apparmor.security.beta.kubernetes.io/"


def _containers(spec):
    for field in ("initContainers", "containers", "ephemeralContainers"):
        for c in spec.get(field) or []:
            yield "%s %s" % (field[:-1], c.get("name")), c


def _baseline(spec, annotations):
    out = []
    pod_sc = spec.get("securityContext") or {}
    containers = list(_containers(spec))
    # HostProcess
    if (pod_sc.get("windowsOptions") or {}).get("hostProcess"):
        out.append("hostProcess: pod windowsOptions.hostProcess")
    for where, c in containers:
        if ((c.get("securityContext") or {}).get("windowsOptions") or {}).get("hostProcess"):
            out.append("hostProcess: %s" % where)
    # Host Namespaces
    for host in ("hostNetwork", "hostPID", "hostIPC"):
        if spec.get(host):
            out.append("host namespaces: %s" % host)
    # Privileged Containers
    for where, c in containers:
        if (c.get("securityContext") or {}).get("privileged"):
            out.append("privileged: %s" % where)
    # Capabilities
    for where, c in containers:
        added = ((c.get("securityContext") or {}).get("capabilities") or {}).get("add") or []
        extra = sorted(set(added) - BASELINE_CAPABILITIES)
        if extra:
            out.append("capabilities: %s adds %s" % (where, ", ".join(extra)))
    # HostPath Volumes
    for v in spec.get("volumes") or []:
        if "hostPath" in v:
            out.append("hostPath: volume %s" % v.get("name"))
    # Host Ports
    for where, c in containers:
        for p in c.get("ports") or []:
            if p.get("hostPort"):
                out.append("hostPort: %s port %s has hostPort %s" % (where, p.get("containerPort"), p["hostPort"]))
    # Host Probes / Lifecycle Hooks
    for where, c in containers:
        handlers = [(k, c.get(k)) for k in ("livenessProbe", "readinessProbe", "startupProbe")]
        handlers += [("lifecycle." + k, v) for k, v in (c.get("lifecycle") or {}).items()]
        for name, h in handlers:
            for kind in ("httpGet", "tcpSocket"):
                if ((h or {}).get(kind) or {}).get("host"):
                    out.append("host probes: %s %s.%s.host" % (where, name, kind))
    # AppArmor
    if ((pod_sc.get("appArmorProfile") or {}).get("type") or "RuntimeDefault") not in ("RuntimeDefault", "Localhost"):
        out.append("AppArmor: pod appArmorProfile.type")
    for where, c in containers:
        t = ((c.get("securityContext") or {}).get("appArmorProfile") or {}).get("type") or "RuntimeDefault"
        if t not in ("RuntimeDefault", "Localhost"):
            out.append("AppArmor: %s appArmorProfile.type %s" % (where, t))
    for key, value in (annotations or {}).items():
        if key.startswith(APPARMOR_ANNOTATION) and value != "runtime/default" and not value.startswith("localhost/"):
            out.append("AppArmor: annotation %s=%s" % (key, value))
    # SELinux
    contexts = [("pod", pod_sc)] + [(w, c.get("securityContext") or {}) for w, c in containers]
    for where, sc in contexts:
        se = sc.get("seLinuxOptions") or {}
        if se.get("type", "") not in SELINUX_TYPES:
            out.append("SELinux: %s type %s" % (where, se["type"]))
        for field in ("user", "role"):
            if se.get(field):
                out.append("SELinux: %s sets %s" % (where, field))
    # /proc Mount Type
    for where, c in containers:
        if (c.get("securityContext") or {}).get("procMount", "Default") != "Default":
            out.append("procMount: %s" % where)
    # Seccomp (baseline: not Unconfined)
    for where, sc in contexts:
        if (sc.get("seccompProfile") or {}).get("type") == "Unconfined":
            out.append("seccomp: %s Unconfined" % where)
    # Sysctls
    for s in pod_sc.get("sysctls") or []:
        if s.get("name") not in SAFE_SYSCTLS:
            out.append("sysctls: %s" % s.get("name"))
    return out


def _restricted(spec):
    out = []
    pod_sc = spec.get("securityContext") or {}
    containers = list(_containers(spec))
    # Volume Types
    for v in spec.get("volumes") or []:
        kinds = set(v) - {"name"}
        if not kinds <= RESTRICTED_VOLUMES:
            out.append("volume types: volume %s is %s" % (v.get("name"), ", ".join(sorted(kinds))))
    for where, c in containers:
        sc = c.get("securityContext") or {}
        # Privilege Escalation
        if sc.get("allowPrivilegeEscalation") is not False:
            out.append("allowPrivilegeEscalation: %s must set false" % where)
        # Running as Non-root
        if sc.get("runAsNonRoot") is False or (sc.get("runAsNonRoot") is not True and pod_sc.get("runAsNonRoot") is not True):
            out.append("runAsNonRoot: %s (pod or container must set true)" % where)
        # Running as Non-root user
        if sc.get("runAsUser") == 0:
            out.append("runAsUser: %s is 0" % where)
        # Seccomp: RuntimeDefault or Localhost, on the pod or on every container
        t = (sc.get("seccompProfile") or pod_sc.get("seccompProfile") or {}).get("type")
        if t not in ("RuntimeDefault", "Localhost"):
            out.append("seccomp: %s has %s, needs RuntimeDefault or Localhost" % (where, t))
        # Capabilities: drop ALL, add at most NET_BIND_SERVICE
        caps = sc.get("capabilities") or {}
        if "ALL" not in (caps.get("drop") or []):
            out.append("capabilities: %s must drop ALL" % where)
        extra = sorted(set(caps.get("add") or []) - {"NET_BIND_SERVICE"})
        if extra:
            out.append("capabilities: %s adds %s (restricted: only NET_BIND_SERVICE)" % (where, ", ".join(extra)))
    if pod_sc.get("runAsUser") == 0:
        out.append("runAsUser: pod is 0")
    return out


def violations(spec, level, annotations=None):
    if level not in LEVELS:
        raise ValueError("unknown Pod Security level %r" % level)
    out = _baseline(spec or {}, annotations)
    if level == "restricted":
        out += _restricted(spec or {})
    return out


def pod_template(obj):
    """(pod spec, pod annotations) of a workload object, or None for other kinds."""
    kind = obj.get("kind")
    spec = obj.get("spec") or {}
    if kind == "Pod":
        return spec, (obj.get("metadata") or {}).get("annotations")
    if kind == "CronJob":
        spec = ((spec.get("jobTemplate") or {}).get("spec") or {})
        kind = "Job"
    if kind in ("Deployment", "StatefulSet", "DaemonSet", "ReplicaSet", "Job", "ReplicationController"):
        t = spec.get("template") or {}
        return t.get("spec") or {}, (t.get("metadata") or {}).get("annotations")
    return None
