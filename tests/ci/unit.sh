#!/usr/bin/env bash
# Run the unit tests (tests/unit) with pytest, the collection importable as ansible_collections.quaytools.tags.
#
# usage: tests/ci/unit.sh VENV_DIR [pytest arguments...]
# shellcheck source=tests/ci/lib.sh
source "$(dirname "$0")/lib.sh"

venv="$(cd "$1" && pwd)"
shift

collection_link >/dev/null

cd "${ROOT}" || exit 1
log "unit tests with $("${venv}/bin/ansible" --version | head -n1), $("${venv}/bin/python" -V)"
# pytest exits 5 when it collects nothing: that is a failure here too (the gate would have tested nothing).
exec "${venv}/bin/python" -m pytest "$@"
