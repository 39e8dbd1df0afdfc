#!/usr/bin/env bash
# The demo: playbooks/demo.yml against a local Quay emulator, with --diff.
#
# Builds and installs the collection into a temporary collections path, starts
# tests/emulator/quay_emulator.py with the demo seed on a free loopback port, runs the playbook with QUAY_HOST and
# QUAY_TOKEN from the emulator's state file, and stops the emulator on exit.
# shellcheck source=tests/ci/lib.sh
source "$(dirname "$0")/lib.sh"

export PATH="${ROOT}/.venv/bin:${PATH}"
cd "${ROOT}" || exit 1
playbook=playbooks/demo.yml
if [[ ! -f "$playbook" ]]; then
    echo "demo: ${playbook} does not exist yet: nothing to run"
    exit 0
fi

work="$(mktemp -d "${TMPDIR:-/tmp}/${FQCN}-demo.XXXXXX")"
emulator_pid=""
cleanup() {
    if [[ -n "$emulator_pid" ]]; then
        kill "$emulator_pid" 2>/dev/null || true
        wait "$emulator_pid" 2>/dev/null || true
    fi
    rm -rf "$work"
}
trap cleanup EXIT

log "installing ${FQCN} into a temporary collections path"
ansible-galaxy collection build --force --output-path "${work}/dist" . >/dev/null
export ANSIBLE_COLLECTIONS_PATH="${work}/collections" ANSIBLE_HOME="${work}/ansible-home"
ansible-galaxy collection install --offline -p "$ANSIBLE_COLLECTIONS_PATH" "${work}"/dist/*.tar.gz >/dev/null

state="${work}/emulator.json"
python tests/emulator/quay_emulator.py --seed tests/emulator/seeds/demo.json --port 0 --state-file "$state" \
    >"${work}/emulator.out" 2>"${work}/emulator.err" &
emulator_pid=$!
for _ in $(seq 100); do
    [[ -s "$state" ]] && break
    kill -0 "$emulator_pid" 2>/dev/null || { cat "${work}/emulator.err" >&2; die "the emulator exited"; }
    sleep 0.1
done
[[ -s "$state" ]] || die "the emulator wrote no state file within 10s"
QUAY_HOST="$(python -c 'import json, sys; print(json.load(open(sys.argv[1]))["url"])' "$state")"
QUAY_TOKEN="$(python -c 'import json, sys; print(json.load(open(sys.argv[1]))["token"])' "$state")"
export QUAY_HOST QUAY_TOKEN
log "Quay emulator at ${QUAY_HOST} (pid ${emulator_pid})"

ansible-playbook --diff "$playbook"
