#!/usr/bin/env bash
# Run ansible-test on a copy of the collection at <tmp>/ansible_collections/quaytools/tags.
#
# usage: tests/ci/ansible_test.sh VENV_DIR sanity|integration|units [ansible-test arguments...]
#
# ansible-test refuses a symlinked collection root, so the git-tracked and untracked-but-not-ignored files are
# copied to a temporary tree (removed afterwards unless KEEP_TMP=1).
# sanity runs with --venv (each test in the virtual environment ansible-test builds for it, under the venv's
# Python); the get-pip stand-in makes --venv work without the download host. Integration and units run in
# VENV_DIR itself (--local): it already holds ansible-core and the tests' requirements, so no per-run venv.
# shellcheck source=tests/ci/lib.sh
source "$(dirname "$0")/lib.sh"

venv="$(cd "$1" && pwd)"
command="$2"
shift 2

python="${venv}/bin/python"
pyver="$(python_version "$python")"
if [[ "$command" == sanity ]]; then
    # The collection's rule: sanity findings are fixed, never ignored.
    if compgen -G "${ROOT}/tests/sanity/ignore-*.txt" >/dev/null; then
        die "tests/sanity/ignore-*.txt present: fix the findings instead of ignoring them"
    fi
    install_get_pip_standin "$python"
    ensure_shellcheck "$venv"
    environment=(--venv --python "$pyver")
else
    environment=(--local)
fi

work="$(mktemp -d "${TMPDIR:-/tmp}/${FQCN}-${command}.XXXXXX")"
if [[ "${KEEP_TMP:-0}" != 1 ]]; then
    trap 'rm -rf "$work"' EXIT
fi
copy="$(stage_collection "$work")"
[[ "$command" == sanity ]] || ansible_test_ssh_key "$python" "$copy"

# --python X.Y makes ansible-test look for pythonX.Y on PATH: put the venv's interpreter first.
export PATH="${venv}/bin:${PATH}"
cd "$copy" || exit 1
log "ansible-test ${command} ($("${venv}/bin/ansible-test" --version), Python ${pyver}) in ${copy}"
# ansible-test only warns when it skips a sanity test (missing interpreter, virtual environment support, or a program
# such as shellcheck: 'Required program "shellcheck" not found.') or leaves out integration targets (aliases such as
# disabled, unstable, destructive): here that fails the gate, since everything must run.
status=0
"${venv}/bin/ansible-test" "$command" "${environment[@]}" --color no "$@" 2>&1 | tee "${work}/output.log" || status=$?
if grep -E 'Skipping sanity test|Excluding tests marked|Required program .* not found' "${work}/output.log"; then
    echo "ERROR: ansible-test ${command} left out the tests above; everything must run" >&2
    status=1
fi
exit "$status"
