#!/usr/bin/env bash
# The parity suite (tests/e2e/test_parity.py): the same playbook on the fast path (action plugins in the controller's
# worker) and on the module path, results and requests compared. It runs in every leg of tests/ci/matrix.sh with that
# leg's ansible-core, and in `make e2e` (the suite is part of tests/e2e) for the ansible-core of .venv.
#
# usage: tests/ci/parity.sh VENV_DIR [pytest arguments...]
# shellcheck source=tests/ci/lib.sh
source "$(dirname "$0")/lib.sh"

venv="$(cd "$1" && pwd)"
shift

cd "${ROOT}" || exit 1
log "parity suite with $("${venv}/bin/ansible-playbook" --version | head -n1), $("${venv}/bin/python" -V)"
exec "${venv}/bin/python" -m pytest tests/e2e/test_parity.py "$@"
