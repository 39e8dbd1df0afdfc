#!/usr/bin/env bash
# Build the collection artifact, install it into an empty collections path, and run ansible-doc on every module,
# every other documented plugin (filters, tests, lookups, ...) and every role, as users will see them.
#
# usage: tests/ci/build.sh [OUTPUT_DIR]   (the tarball is left in OUTPUT_DIR when given)
# shellcheck source=tests/ci/lib.sh
source "$(dirname "$0")/lib.sh"

export PATH="${ROOT}/.venv/bin:${PATH}"
work="$(mktemp -d "${TMPDIR:-/tmp}/${FQCN}-build.XXXXXX")"
trap 'rm -rf "$work"' EXIT
dist="${1:-${work}/dist}"
mkdir -p "$dist"

cd "${ROOT}" || exit 1
log "ansible-galaxy collection build"
ansible-galaxy collection build --force --output-path "$dist" . >/dev/null
tarball="$(ls "$dist"/"${NAMESPACE}-${COLLECTION}"-*.tar.gz)"
log "built $(basename "$tarball") ($(du -h "$tarball" | cut -f1), $(tar -tzf "$tarball" | wc -l) entries)"

log "installing it into an empty collections path"
export ANSIBLE_COLLECTIONS_PATH="${work}/collections" ANSIBLE_HOME="${work}/ansible-home"
ansible-galaxy collection install --offline -p "$ANSIBLE_COLLECTIONS_PATH" "$tarball" >/dev/null
installed="${ANSIBLE_COLLECTIONS_PATH}/ansible_collections/${NAMESPACE}/${COLLECTION}"
[[ -f "${installed}/MANIFEST.json" ]] || die "installed collection has no MANIFEST.json"

failures=0
checked=0
# ansible-doc must exit 0, print no warning or error, and render the plugin's own name.
doc() {
    local type="$1" name="$2" out err
    out="${work}/doc.out"
    err="${work}/doc.err"
    checked=$((checked + 1))
    if ansible-doc -t "$type" "${FQCN}.${name}" >"$out" 2>"$err" \
            && ! grep -qE 'WARNING|ERROR' "$err" && grep -q "${FQCN}.${name}" "$out"; then
        printf '  ok    ansible-doc -t %-7s %s\n' "$type" "${FQCN}.${name}"
    else
        printf '  FAIL  ansible-doc -t %-7s %s\n' "$type" "${FQCN}.${name}"
        if [[ -s "$err" || -s "$out" ]]; then
            sed 's/^/        /' "$err" "$out" | head -n 40
        else
            echo "        (ansible-doc printed nothing: no documentation found)"
        fi
        failures=$((failures + 1))
    fi
}

# Plugin directories and their ansible-doc types. module_utils, doc_fragments and plugin_utils hold no plugins;
# action plugins are documented by the module of the same name.
declare -A types=(
    [modules]=module [filter]=filter [test]=test [lookup]=lookup [inventory]=inventory [callback]=callback
    [connection]=connection [become]=become [cache]=cache [cliconf]=cliconf [httpapi]=httpapi [netconf]=netconf
    [shell]=shell [strategy]=strategy [vars]=vars
)
shopt -s nullglob
# Names of the plugins in one directory: .py files, and (filters and tests) .yml/.yaml files that document one.
plugin_names() {
    local path
    for path in "$1"/*.py "$1"/*.yml "$1"/*.yaml; do
        path="$(basename "$path")"
        [[ "$path" == __init__.py ]] || echo "${path%.*}"
    done | sort -u
}
for path in "${installed}"/plugins/*/; do
    type="${types[$(basename "$path")]:-}"
    [[ -n "$type" ]] || continue
    for name in $(plugin_names "$path"); do
        doc "$type" "$name"
    done
done
for path in "${installed}"/roles/*/; do
    doc role "$(basename "$path")"
done

# Every module must also be listed (a module that loads but is left out of the listing is broken for users).
listed="$(ansible-doc -t module -l "$FQCN" 2>/dev/null | awk '{print $1}')"
for module in $(plugin_names "${installed}/plugins/modules"); do
    if ! grep -qx "${FQCN}.${module}" <<<"$listed"; then
        echo "  FAIL  ${FQCN}.${module} missing from ansible-doc -l"
        failures=$((failures + 1))
    fi
done

[[ "$checked" -gt 0 ]] || die "found nothing to document in the built collection"
log "ansible-doc: ${checked} checked, ${failures} failed"
[[ "$failures" -eq 0 ]]
