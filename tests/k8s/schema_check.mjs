// Validates Kubernetes objects against the Kubernetes OpenAPI schemas (npm kubernetes-models:
// the upstream OpenAPI definitions compiled to JSON-schema validators) and the Prometheus
// Operator's CRD schemas (@kubernetes-models/prometheus-operator), like kubeconform -strict:
// wrong types, enums, formats and missing required fields fail, and so does any field the
// schema does not define (a misspelt `topologySpreadConstraint` would otherwise be ignored by
// the API server's client-side decoding and silently do nothing).
//
//   node tests/k8s/schema_check.mjs FILE.json...   # each file: a JSON array of objects
//   node tests/k8s/schema_check.mjs --self-test    # broken objects must fail
//
// Unknown fields: the compiled validators read every property their schema defines; an
// object they look into (read at least one property of) whose other keys they never read has
// fields the schema does not know. Maps (labels, data) are enumerated by the validator, so all
// their keys count as read; free-form objects are never looked into and are not judged.
import { readFileSync } from "node:fs";

const CORE = "kubernetes-models";
const GROUPS = { "monitoring.coreos.com": "@kubernetes-models/prometheus-operator" };

async function modelFor(apiVersion, kind) {
  const group = apiVersion.includes("/") ? apiVersion.split("/")[0] : "";
  const pkg = GROUPS[group] || CORE;
  const mod = await import(`${pkg}/${apiVersion}`).catch(() => null);
  return mod && mod[kind];
}

// A deep proxy that records, per object, which keys the validator read or enumerated.
function tracked(value, path, seen) {
  if (value === null || typeof value !== "object") return value;
  const info = { path, value, read: new Set(), enumerated: false };
  seen.push(info);
  const cache = new Map();
  return new Proxy(value, {
    get(target, key, receiver) {
      if (typeof key === "string") info.read.add(key);
      const v = Reflect.get(target, key, receiver);
      if (typeof key !== "string" || v === null || typeof v !== "object") return v;
      if (!cache.has(key)) cache.set(key, tracked(v, `${path}/${key}`, seen));
      return cache.get(key);
    },
    has(target, key) {
      if (typeof key === "string") info.read.add(key);
      return Reflect.has(target, key);
    },
    ownKeys(target) {
      info.enumerated = true;
      return Reflect.ownKeys(target);
    },
  });
}

// Errors for one object: a list of "path: message" strings.
export async function check(obj) {
  if (!obj || typeof obj !== "object" || !obj.apiVersion || !obj.kind) {
    return ["not a Kubernetes object (apiVersion and kind required)"];
  }
  const Model = await modelFor(obj.apiVersion, obj.kind);
  if (!Model) return [`no schema for ${obj.apiVersion} ${obj.kind}`];
  const model = new Model(obj);
  const seen = [];
  const proxy = tracked(JSON.parse(JSON.stringify(model)), "", seen);
  const errors = [];
  try {
    Model.prototype.validate.call(proxy);
  } catch (e) {
    for (const d of e.errors || [{ instancePath: "", message: e.message }]) {
      errors.push(`${d.instancePath || "/"}: ${d.message}${d.params && d.params.allowedValues ? " " + JSON.stringify(d.params.allowedValues) : ""}`);
    }
  }
  for (const info of seen) {
    if (Array.isArray(info.value) || info.enumerated || info.read.size === 0) continue;
    for (const key of Object.keys(info.value)) {
      if (!info.read.has(key)) errors.push(`${info.path}/${key}: field not in the schema`);
    }
  }
  return errors;
}

async function selfTest() {
  const deployment = (container, extra = {}) => ({
    apiVersion: "apps/v1", kind: "Deployment", metadata: { name: "x" },
    spec: { selector: { matchLabels: { a: "b" } },
            template: { metadata: { labels: { a: "b" } }, spec: { containers: [container], ...extra } } },
  });
  const good = { name: "c", image: "i", ports: [{ containerPort: 8899, name: "probes" }] };
  const cases = [
    ["valid", deployment(good), false],
    ["unknown field", deployment({ ...good, imagePullPolicyy: "Never" }), true],
    ["unknown pod field", deployment(good, { topologySpreadConstraint: [] }), true],
    ["wrong type", deployment({ ...good, ports: [{ containerPort: "8899" }] }), true],
    ["bad enum", deployment({ ...good, imagePullPolicy: "Sometimes" }), true],
    ["missing required", deployment({ image: "i" }), true],
    ["unknown kind", { apiVersion: "apps/v1", kind: "Deploymentt", metadata: { name: "x" } }, true],
    ["PrometheusRule unknown field", { apiVersion: "monitoring.coreos.com/v1", kind: "PrometheusRule",
      metadata: { name: "r" }, spec: { groups: [{ name: "g", rules: [{ alert: "A", expr: "1", fore: "5m" }] }] } }, true],
    ["PodMonitor valid", { apiVersion: "monitoring.coreos.com/v1", kind: "PodMonitor", metadata: { name: "p" },
      spec: { selector: { matchLabels: { a: "b" } }, podMetricsEndpoints: [{ port: "probes", path: "/metrics" }] } }, false],
  ];
  let bad = 0;
  for (const [name, obj, shouldFail] of cases) {
    const errors = await check(obj);
    if ((errors.length > 0) !== shouldFail) {
      console.log(`self-test ${name}: expected ${shouldFail ? "errors" : "none"}, got ${JSON.stringify(errors)}`);
      bad++;
    }
  }
  console.log(`   ${bad ? "FAIL" : "ok "}  schema checker self-test (${cases.length} cases)`);
  return bad ? 1 : 0;
}

async function main(args) {
  if (args[0] === "--self-test") return selfTest();
  if (!args.length) {
    console.error("usage: node tests/k8s/schema_check.mjs FILE.json... | --self-test");
    return 2;
  }
  let failed = 0, count = 0;
  for (const file of args) {
    const objs = JSON.parse(readFileSync(file, "utf8"));
    for (const obj of objs) {
      count++;
      const errors = await check(obj);
      const name = `${file}: ${obj.kind}/${(obj.metadata || {}).name}`;
      for (const e of errors) console.log(`${name}: ${e}`);
      if (errors.length) failed++;
    }
  }
  console.log(`   ${failed ? "FAIL" : "ok "}  ${count} objects against the Kubernetes schemas, ${failed} invalid`);
  return failed ? 1 : 0;
}

process.exitCode = await main(process.argv.slice(2));
