#!/usr/bin/env bash
# ansible-lint over the whole collection (production profile, configuration in .ansible-lint),
# plus shellcheck on the CI entry point .ci/run (ansible-test's shellcheck test only reads *.sh files).
# shellcheck source=tests/ci/lib.sh
source "$(dirname "$0")/lib.sh"

cd "${ROOT}" || exit 1
status=0
log "ansible-lint $("${ROOT}/.venv/bin/ansible-lint" --version | head -n1)"
"${ROOT}/.venv/bin/ansible-lint" --nocolor || status=1
if [[ -f .ci/run ]]; then
    ensure_shellcheck
    log "shellcheck .ci/run"
    shellcheck --shell=bash .ci/run || status=1
fi
exit "$status"
