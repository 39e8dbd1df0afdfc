#!/usr/bin/env bash
# `molecule test` for every scenario under extensions/molecule that has a molecule.yml.
# The scenarios use the default driver against localhost (no containers). ANSIBLE_HOME points at a scratch
# directory per scenario, so molecule's copy of the collection never touches ~/.ansible.
# shellcheck source=tests/ci/lib.sh
source "$(dirname "$0")/lib.sh"

export PATH="${ROOT}/.venv/bin:${PATH}"
cd "${ROOT}" || exit 1
shopt -s nullglob
scenarios=()
for file in extensions/molecule/*/molecule.yml; do
    scenarios+=("$(basename "$(dirname "$file")")")
done
if [[ ${#scenarios[@]} -eq 0 ]]; then
    echo "molecule: no scenario with a molecule.yml under extensions/molecule: nothing to run"
    exit 0
fi

work="$(mktemp -d "${TMPDIR:-/tmp}/${FQCN}-molecule.XXXXXX")"
trap 'rm -rf "$work"' EXIT
failed=()
for scenario in "${scenarios[@]}"; do
    log "molecule test -s ${scenario}"
    mkdir -p "${work}/${scenario}"
    # From the collection root molecule finds extensions/molecule/<scenario> and puts the collection on its path.
    if ! ANSIBLE_HOME="${work}/${scenario}" molecule test -s "$scenario"; then
        failed+=("$scenario")
    fi
done
log "molecule: ${#scenarios[@]} scenario(s), ${#failed[@]} failed${failed[*]:+: ${failed[*]}}"
[[ ${#failed[@]} -eq 0 ]]
