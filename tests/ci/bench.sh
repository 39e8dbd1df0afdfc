#!/usr/bin/env bash
# Benchmarks (tests/bench/run.py), not part of `make test`.
# shellcheck source=tests/ci/lib.sh
source "$(dirname "$0")/lib.sh"

cd "${ROOT}" || exit 1
if [[ ! -f tests/bench/run.py ]]; then
    echo "bench: tests/bench/run.py does not exist yet: nothing to run"
    exit 0
fi
# The collection is importable as ansible_collections.quaytools.tags through the same link as the unit tests.
collections="$(collection_link)"
export PYTHONPATH="${collections}${PYTHONPATH:+:${PYTHONPATH}}"
# BENCH_PARTS: "single" (tests/bench/run.py, the arguments go to it), "org" (tests/bench/org_scale.py), or both.
parts="${BENCH_PARTS:-single org}"
if [[ " ${parts} " == *" single "* ]]; then
    "${ROOT}/.venv/bin/python" tests/bench/run.py "$@"
fi
if [[ " ${parts} " == *" org "* ]]; then
    # The chart's matplotlib lives in the bench's own environment, not in .venv.
    "$(dirname "$0")/venv.sh" "${ROOT}/.venv-bench" tests/bench/requirements.txt
    "${ROOT}/.venv/bin/python" tests/bench/org_scale.py --chart-python "${ROOT}/.venv-bench/bin/python"
fi
