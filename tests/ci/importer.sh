#!/usr/bin/env bash
# galaxy-importer on the built artifact, as Galaxy / Automation Hub would import it.
# Its ansible-test step needs a container engine and stays off; ansible-lint and ansible-doc run.
# galaxy-importer exits 0 even when it reports problems, so any WARNING or ERROR line fails this gate.
# It writes importer_result.json into its working directory: it runs in a temporary one.
# shellcheck source=tests/ci/lib.sh
source "$(dirname "$0")/lib.sh"

export PATH="${ROOT}/.venv/bin:${PATH}"
work="$(mktemp -d "${TMPDIR:-/tmp}/${FQCN}-importer.XXXXXX")"
trap 'rm -rf "$work"' EXIT

cd "${ROOT}" || exit 1
ansible-galaxy collection build --force --output-path "$work" . >/dev/null
tarball="$(echo "$work"/"${NAMESPACE}-${COLLECTION}"-*.tar.gz)"

export GALAXY_IMPORTER_RUN_ANSIBLE_TEST=False GALAXY_IMPORTER_RUN_ANSIBLE_LINT=True
export GALAXY_IMPORTER_RUN_ANSIBLE_DOC=True GALAXY_IMPORTER_CHECK_REQUIRED_TAGS=True
export GALAXY_IMPORTER_REQUIRE_V1_OR_GREATER=True GALAXY_IMPORTER_TMP_ROOT_DIR="$work"
export ANSIBLE_HOME="${work}/ansible-home" ANSIBLE_LOCAL_TEMP="${work}/ansible-tmp"
log "galaxy-importer $(basename "$tarball")"
cd "$work" || exit 1
status=0
python -m galaxy_importer.main "$tarball" >"${work}/importer.log" 2>&1 || status=$?
cat "${work}/importer.log"
if [[ "$status" -ne 0 ]]; then
    die "galaxy-importer exited with status ${status}"
fi
if grep -nE 'WARNING|ERROR' "${work}/importer.log" >"${work}/problems"; then
    echo
    echo "galaxy-importer reported problems:"
    cat "${work}/problems"
    exit 1
fi
[[ -s importer_result.json ]] || die "galaxy-importer wrote no importer_result.json"
log "galaxy-importer: no warnings, no errors"
