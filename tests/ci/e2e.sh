#!/usr/bin/env bash
# End-to-end tests (tests/e2e): real ansible-playbook runs against the Quay emulator with fault injection, TLS,
# token-leak, injection, bad-input and concurrency checks. ansible-playbook is the one of the venv (next to its
# Python); the tests link the checkout as ansible_collections/quaytools/tags in a temporary directory themselves.
#
# usage: tests/ci/e2e.sh VENV_DIR [pytest arguments...]
# shellcheck source=tests/ci/lib.sh
source "$(dirname "$0")/lib.sh"

venv="$(cd "$1" && pwd)"
shift

cd "${ROOT}" || exit 1
version="$("${venv}/bin/ansible-playbook" --version)"
log "end-to-end tests with ${version%%$'\n'*}, $("${venv}/bin/python" -V)"
# pytest exits 5 when it collects nothing: that is a failure here too.
exec "${venv}/bin/python" -m pytest tests/e2e "$@"
