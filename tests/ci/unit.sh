#!/usr/bin/env bash
# Run the unit tests (tests/unit) with pytest, the collection importable as ansible_collections.quaytools.tags.
#
# usage: tests/ci/unit.sh VENV_DIR [pytest arguments...]
# shellcheck source=tests/ci/lib.sh
source "$(dirname "$0")/lib.sh"

venv="$1"
shift

link="${TMP_ROOT}/collections/ansible_collections/${NAMESPACE}/${COLLECTION}"
if [[ "$(readlink "$link" 2>/dev/null)" != "../../../.." ]]; then
    mkdir -p "$(dirname "$link")"
    ln -sfn ../../../.. "$link"
fi

cd "${ROOT}"
log "unit tests with $("${venv}/bin/ansible" --version | head -n1), $("${venv}/bin/python" -V)"
# pytest exits 5 when it collects nothing: that is a failure here too (the gate would have tested nothing).
exec "${venv}/bin/python" -m pytest "$@"
