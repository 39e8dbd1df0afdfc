#!/usr/bin/env bash
# The support matrix: units + integration on each ansible-core line, each in its own venv.
#
# usage: tests/ci/matrix.sh leg 2.NN    one leg: .venv-core-2.NN from constraints/core-2.NN.txt
#                                        (2.19 is .venv itself, built from requirements-dev.txt;
#                                         2.20 and 2.21 need Python >= 3.12: they run on the newest Python found,
#                                         and exit 75 with a note when there is none)
#        tests/ci/matrix.sh all         every leg in parallel, then sanity on the newest core (via run_gates.py)
# shellcheck source=tests/ci/lib.sh
source "$(dirname "$0")/lib.sh"

leg() {
    local core="$1" venv python
    case "$core" in
        2.19)
            venv="${ROOT}/.venv"
            "${ROOT}/tests/ci/venv.sh" "$venv" "${ROOT}/requirements-dev.txt"
            ;;
        2.20 | 2.21)
            python="$(newer_python)"
            if [[ -z "$python" ]]; then
                echo "no Python >= 3.12 on this machine (PATH or pyenv): ansible-core ${core} leg not run"
                exit 75
            fi
            venv="${ROOT}/.venv-core-${core}"
            "${ROOT}/tests/ci/venv.sh" "$venv" "${ROOT}/constraints/core-${core}.txt" "$python"
            ;;
        *)
            [[ -f "${ROOT}/constraints/core-${core}.txt" ]] || die "no constraints/core-${core}.txt"
            venv="${ROOT}/.venv-core-${core}"
            "${ROOT}/tests/ci/venv.sh" "$venv" "${ROOT}/constraints/core-${core}.txt" "$(default_python)"
            ;;
    esac
    local failed=0
    "${ROOT}/tests/ci/unit.sh" "$venv" || failed=1
    "${ROOT}/tests/ci/ansible_test.sh" "$venv" integration || failed=1
    return "$failed"
}

case "${1:-}" in
    leg) leg "$2" ;;
    all) exec "$(default_python)" "${ROOT}/tests/ci/run_gates.py" matrix-2.16 matrix-2.17 matrix-2.18 matrix-2.19 matrix-2.20 matrix-2.21 sanity ;;
    *) die "usage: $0 leg 2.NN | all" ;;
esac
