#!/usr/bin/python3
"""Each Pod Security rule of tests/k8s/pod_security.py, broken one at a time on a pod that
passes "restricted": the rule, and only at its level, must report it.

    /usr/bin/python3 tests/k8s/test_pod_security.py
"""
import copy
import os
import sys
import unittest

sys.path.insert(0, os.path.dirname(__file__))
from pod_security import pod_template, violations  # noqa: E402

GOOD = {
    "securityContext": {"runAsNonRoot": True, "runAsUser": 10001, "seccompProfile": {"type": "RuntimeDefault"}},
    "containers": [{
        "name": "gateway",
        "ports": [{"containerPort": 8888}],
        "livenessProbe": {"httpGet": {"path": "/healthz", "port": 8899}},
        "securityContext": {"allowPrivilegeEscalation": False, "capabilities": {"drop": ["ALL"]}},
    }],
    "volumes": [{"name": "config", "configMap": {"name": "c"}}, {"name": "data", "emptyDir": {}}],
}


def c0(spec):
    return spec["containers"][0]


def csc(spec):
    return c0(spec)["securityContext"]


# (name, level it belongs to, how to break it, words the violation must contain)
BREAKS = [
    ("hostProcess", "baseline", lambda s: csc(s).update(windowsOptions={"hostProcess": True}), "hostProcess"),
    ("hostNetwork", "baseline", lambda s: s.update(hostNetwork=True), "hostNetwork"),
    ("hostPID", "baseline", lambda s: s.update(hostPID=True), "hostPID"),
    ("hostIPC", "baseline", lambda s: s.update(hostIPC=True), "hostIPC"),
    ("privileged", "baseline", lambda s: csc(s).update(privileged=True), "privileged"),
    ("capability beyond baseline", "baseline", lambda s: csc(s)["capabilities"].update(add=["SYS_ADMIN"]), "SYS_ADMIN"),
    ("hostPath", "baseline", lambda s: s["volumes"].append({"name": "h", "hostPath": {"path": "/"}}), "hostPath"),
    ("hostPort", "baseline", lambda s: c0(s)["ports"][0].update(hostPort=18888), "hostPort"),
    ("probe host", "baseline", lambda s: c0(s)["livenessProbe"]["httpGet"].update(host="10.0.0.1"), "host probes"),
    ("lifecycle host", "baseline",
     lambda s: c0(s).update(lifecycle={"preStop": {"tcpSocket": {"port": 1, "host": "x"}}}), "host probes"),
    ("AppArmor field", "baseline", lambda s: csc(s).update(appArmorProfile={"type": "Unconfined"}), "AppArmor"),
    ("SELinux type", "baseline", lambda s: s["securityContext"].update(seLinuxOptions={"type": "spc_t"}), "SELinux"),
    ("SELinux user", "baseline", lambda s: csc(s).update(seLinuxOptions={"user": "system_u"}), "SELinux"),
    ("procMount", "baseline", lambda s: csc(s).update(procMount="Unmasked"), "procMount"),
    ("seccomp Unconfined", "baseline", lambda s: csc(s).update(seccompProfile={"type": "Unconfined"}), "Unconfined"),
    ("sysctl", "baseline", lambda s: s["securityContext"].update(sysctls=[{"name": "kernel.msgmax", "value": "1"}]), "sysctls"),
    ("volume type", "restricted", lambda s: s["volumes"].append({"name": "n", "nfs": {"server": "x", "path": "/"}}), "volume types"),
    ("allowPrivilegeEscalation", "restricted", lambda s: csc(s).pop("allowPrivilegeEscalation"), "allowPrivilegeEscalation"),
    ("runAsNonRoot missing", "restricted", lambda s: s["securityContext"].pop("runAsNonRoot"), "runAsNonRoot"),
    ("runAsNonRoot false", "restricted", lambda s: csc(s).update(runAsNonRoot=False), "runAsNonRoot"),
    ("runAsUser 0", "restricted", lambda s: csc(s).update(runAsUser=0), "runAsUser"),
    ("seccomp unset", "restricted", lambda s: s["securityContext"].pop("seccompProfile"), "seccomp"),
    ("drop ALL", "restricted", lambda s: csc(s)["capabilities"].update(drop=["NET_RAW"]), "drop ALL"),
    ("add KILL", "restricted", lambda s: csc(s)["capabilities"].update(add=["KILL"]), "KILL"),
]


class PodSecurity(unittest.TestCase):
    def test_good_pod_passes_both_levels(self):
        self.assertEqual(violations(GOOD, "baseline"), [])
        self.assertEqual(violations(GOOD, "restricted"), [])

    def test_each_rule_reports_its_break(self):
        for name, level, brk, words in BREAKS:
            with self.subTest(rule=name):
                spec = copy.deepcopy(GOOD)
                brk(spec)
                found = violations(spec, "restricted")
                self.assertTrue(found and all(words in v for v in found), (name, found))
                if level == "baseline":
                    self.assertTrue(violations(spec, "baseline"), name)
                else:
                    self.assertEqual(violations(spec, "baseline"), [], name)

    def test_apparmor_annotation(self):
        ann = {"container.apparmor.security.beta.kubernetes.io/gateway": "unconfined"}
        self.assertTrue(violations(GOOD, "baseline", ann))
        ann = {"container.apparmor.security.beta.kubernetes.io/gateway": "runtime/default"}
        self.assertEqual(violations(GOOD, "baseline", ann), [])

    def test_init_and_ephemeral_containers_count(self):
        for field in ("initContainers", "ephemeralContainers"):
            spec = copy.deepcopy(GOOD)
            bad = copy.deepcopy(c0(spec))
            bad["securityContext"]["privileged"] = True
            spec[field] = [bad]
            self.assertTrue(violations(spec, "baseline"), field)

    def test_pod_template_of_each_workload_kind(self):
        tpl = {"metadata": {"annotations": {"a": "b"}}, "spec": GOOD}
        for kind in ("Deployment", "StatefulSet", "DaemonSet", "Job"):
            self.assertEqual(pod_template({"kind": kind, "spec": {"template": tpl}}), (GOOD, {"a": "b"}))
        cron = {"kind": "CronJob", "spec": {"jobTemplate": {"spec": {"template": tpl}}}}
        self.assertEqual(pod_template(cron), (GOOD, {"a": "b"}))
        self.assertIsNone(pod_template({"kind": "Service", "spec": {}}))


if __name__ == "__main__":
    unittest.main(verbosity=1)
