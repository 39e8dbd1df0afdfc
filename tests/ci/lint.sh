#!/usr/bin/env bash
# ansible-lint over the whole collection (production profile, configuration in .ansible-lint),
# plus shellcheck on the CI entry point .ci/run (ansible-test's shellcheck test only reads *.sh files).
# shellcheck source=tests/ci/lib.sh
source "$(dirname "$0")/lib.sh"

export PATH="${ROOT}/.venv/bin:${PATH}"
# ansible-lint runs offline (.ansible-lint), so it does not install the collection it lints: it finds
# quaytools.tags through the same link as the unit tests.
ANSIBLE_COLLECTIONS_PATH="$(collection_link)"
export ANSIBLE_COLLECTIONS_PATH
cd "${ROOT}" || exit 1
status=0
log "$(ansible-lint --version | head -n1)"
ansible-lint --nocolor || status=1
if [[ -f .ci/run ]]; then
    ensure_shellcheck "${ROOT}/.venv"
    log "shellcheck .ci/run"
    shellcheck --shell=bash .ci/run || status=1
fi
exit "$status"
