#!/usr/bin/env bash
# Execution environment build context: `ansible-builder create` from meta/execution-environment.yml, then check it.
# No container engine is needed; build the image from the printed context with `ansible-builder build` or podman.
#
# usage: tests/ci/ee.sh [CONTEXT_DIR]   (default: a temporary directory, removed afterwards)
# shellcheck source=tests/ci/lib.sh
source "$(dirname "$0")/lib.sh"

export PATH="${ROOT}/.venv/bin:${PATH}"
work="$(mktemp -d "${TMPDIR:-/tmp}/${FQCN}-ee.XXXXXX")"
trap 'rm -rf "$work"' EXIT
context="${1:-${work}/context}"
stage="${work}/stage"
mkdir -p "$stage"

cd "${ROOT}" || exit 1
# Paths in meta/execution-environment.yml are relative to the collection root (see the comment in that file):
# stage it at the root of a directory that holds what it names.
cp meta/execution-environment.yml "${stage}/execution-environment.yml"
cp requirements.txt "${stage}/requirements.txt"
ansible-galaxy collection build --force --output-path "${work}/dist" . >/dev/null
cp "${work}/dist/${NAMESPACE}-${COLLECTION}"-*.tar.gz "${stage}/${NAMESPACE}-${COLLECTION}.tar.gz"

log "ansible-builder create"
ansible-builder create --file "${stage}/execution-environment.yml" --context "$context" --output-filename Containerfile -v 1

failures=0
# check DESCRIPTION COMMAND [ARGS...]
check() {
    local description="$1"
    shift
    if "$@"; then
        echo "  ok    ${description}"
    else
        echo "  FAIL  ${description}"
        failures=$((failures + 1))
    fi
}
is_collection_artifact() {
    tar -xzOf "$1" MANIFEST.json 2>/dev/null | grep -q "\"name\": \"${COLLECTION}\""
}
build="${context}/_build"
artifact="collections/${NAMESPACE}-${COLLECTION}.tar.gz"
check "Containerfile present" test -s "${context}/Containerfile"
check "Python requirements include requests" grep -qE '^requests([^A-Za-z0-9_.-]|$)' "${build}/requirements.txt"
check "galaxy requirements name the collection artifact" grep -qF "$artifact" "${build}/requirements.yml"
check "collection artifact in the context" is_collection_artifact "${build}/${artifact}"
check "Containerfile installs the galaxy requirements" \
    grep -q 'ansible-galaxy collection install .*-r requirements.yml' "${context}/Containerfile"
check "Containerfile installs the Python requirements" grep -q 'introspect.py introspect' "${context}/Containerfile"
[[ "$failures" -eq 0 ]] || die "execution environment context: ${failures} check(s) failed"
log "execution environment context OK${1:+: ${context}}"
