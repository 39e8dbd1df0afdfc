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
PYTHONPATH="${collections}${PYTHONPATH:+:${PYTHONPATH}}" exec "${ROOT}/.venv/bin/python" tests/bench/run.py "$@"
