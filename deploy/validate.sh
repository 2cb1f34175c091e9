#!/usr/bin/env bash
# Validates the Kubernetes manifests under deploy/kubernetes/ with kubeconform, strictly (unknown
# fields and duplicate keys are errors), against the JSON schemas of the Kubernetes versions below.
#
# kubeconform is built from the Go module proxy. Its usual schemas are fetched from GitHub at run
# time; here they come from the PyPI package kubernetes-validate, which ships the JSON schemas
# generated from each Kubernetes release's OpenAPI document. That package's schemas refer to one
# shared definitions file by an absolute URI; they are rewritten to refer to it by a relative
# path, so that kubeconform resolves everything from local files and fetches nothing.
#
# Needs go (1.26 or newer) and python3 with pip. Everything is cached in
# ${TG_CACHE_DIR:-~/.cache/tg-gateway}/deploy-validate.
set -euo pipefail
cd "$(dirname "$0")/.."

kubeconform_version=v0.8.0
kubernetes_validate_version=1.37.0
# The oldest and the newest Kubernetes the manifests are meant for.
kubernetes_versions=(1.30.0 1.37.0)

cache="${TG_CACHE_DIR:-$HOME/.cache/tg-gateway}/deploy-validate"
kubeconform="$cache/kubeconform-$kubeconform_version/kubeconform"
schemas="$cache/schemas-$kubernetes_validate_version"

if [[ ! -x "$kubeconform" ]]; then
  # The Go of this kind of machine, when a login shell has not put it on PATH.
  if ! command -v go >/dev/null && [[ -x /usr/local/go/bin/go ]]; then PATH="$PATH:/usr/local/go/bin"; fi
  if ! command -v go >/dev/null; then
    echo "deploy/validate.sh: 'go' is not on PATH: kubeconform is built with 'go install' (Go 1.26 or newer)." >&2
    exit 1
  fi
  echo "validate: building kubeconform $kubeconform_version"
  GOBIN="$(dirname "$kubeconform")" go install "github.com/yannh/kubeconform/cmd/kubeconform@$kubeconform_version"
fi

if [[ ! -f "$schemas/done" ]]; then
  echo "validate: fetching Kubernetes JSON schemas (kubernetes-validate $kubernetes_validate_version from PyPI)"
  download="$(mktemp -d)"
  trap 'rm -rf "$download"' EXIT
  python3 -m pip download --quiet --no-deps --disable-pip-version-check -d "$download" \
    "kubernetes-validate==$kubernetes_validate_version"
  rm -rf "$schemas"
  python3 - "$download"/kubernetes_validate-*.whl "$schemas" "${kubernetes_versions[@]}" <<'PY'
import json, os, sys, zipfile

wheel, target, versions = sys.argv[1], sys.argv[2], sys.argv[3:]
with zipfile.ZipFile(wheel) as archive:
    names = archive.namelist()
    for version in versions:
        for strict in ("", "-strict"):
            source = f"kubernetes_validate/kubernetes-json-schema/v{version}-local{strict}/"
            files = [name for name in names if name.startswith(source) and name.endswith(".json")]
            if not files:
                sys.exit(f"kubernetes-validate has no schemas for Kubernetes {version}")
            # kubeconform's layout: {version}-standalone{-strict}/{kind}-{group}-{version}.json
            directory = os.path.join(target, f"v{version}-standalone{strict}")
            os.makedirs(directory)
            for name in files:
                text = archive.read(name).decode("utf-8")
                schema = json.loads(text.replace('"/api/_definitions.json#', '"_definitions.json#'))
                # Without its https $id, a schema's relative $ref resolves next to its own file.
                schema.pop("$id", None)
                with open(os.path.join(directory, os.path.basename(name)), "w") as out:
                    json.dump(schema, out)
PY
  touch "$schemas/done"
fi

location="$schemas/{{.NormalizedKubernetesVersion}}-standalone{{.StrictSuffix}}/{{.ResourceKind}}{{.KindSuffix}}.json"

# The schemas must be in force: a manifest with a field of the wrong type and an unknown field has
# to be refused, or a pass below would mean nothing.
broken='{"apiVersion": "apps/v1", "kind": "Deployment", "metadata": {"name": "broken"}, "spec": {"selector": {}, "template": {"spec": {"terminationGracePeriodSeconds": "20", "containers": [{"name": "x", "image": "x", "livenessProb": {}}]}}}}'
for version in "${kubernetes_versions[@]}"; do
  verdict="$(echo "$broken" | "$kubeconform" -strict -kubernetes-version "$version" -schema-location "$location" - || true)"
  if [[ "$verdict" != *"additional properties 'livenessProb' not allowed"* || "$verdict" != *"got string, want null or integer"* ]]; then
    echo "deploy/validate.sh: kubeconform did not refuse a broken Deployment for Kubernetes $version as its schema requires, so the schemas in $schemas are not in force; it said: $verdict" >&2
    exit 1
  fi
done

for version in "${kubernetes_versions[@]}"; do
  echo "validate: deploy/kubernetes against Kubernetes $version"
  "$kubeconform" -strict -summary -kubernetes-version "$version" -schema-location "$location" deploy/kubernetes
done
