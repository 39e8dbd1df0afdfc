#!/usr/bin/env bash
# Build (or reuse) a virtual environment from one requirements file.
#
# usage: tests/ci/venv.sh VENV_DIR REQUIREMENTS_FILE [PYTHON]
#
# The venv is rebuilt from scratch when the content of the requirements changes, or the interpreter (a stamp file
# named after their hash records what was installed), and reused as is otherwise: repeated calls take ~50 ms.
# Concurrent calls for the same venv wait for each other (flock).
# shellcheck source=tests/ci/lib.sh
source "$(dirname "$0")/lib.sh"

venv="$1"
requirements="$2"
python="${3:-$(default_python)}"
[[ -f "$requirements" ]] || die "no such requirements file: $requirements"

# The requirements file and every file it pulls in with -r/-c, recursively.
requirement_files() {
    local file="$1" ref
    echo "$file"
    while read -r ref; do
        requirement_files "$(dirname "$file")/$ref"
    done < <(sed -nE 's/^[[:space:]]*(-r|-c|--requirement|--constraint)[[:space:]]+([^[:space:]#]+).*/\2/p' "$file")
}
# The stamp names the requirements and the interpreter: a change of either rebuilds the venv.
interpreter="$("$python" -c 'import sys; print(sys.version, sys.base_prefix)' 2>/dev/null)" \
    || die "$python does not run"
hash="$( { requirement_files "$requirements" | xargs cat; echo "$interpreter"; } | sha256sum | cut -c1-16)"
stamp="${venv}/.requirements-${hash}"
[[ -f "$stamp" ]] && exit 0

mkdir -p "$(dirname "$venv")" "${TMP_ROOT}"
exec 9>"${TMP_ROOT}/$(basename "$venv").lock"
flock 9
[[ -f "$stamp" ]] && exit 0

"$python" -c 'import ensurepip, venv' 2>/dev/null \
    || die "$python has no venv/ensurepip module (Debian: apt-get install python3-venv)"

log "building $(basename "$venv") from ${requirements#"${ROOT}"/} with $("$python" -V 2>&1)"
start=$SECONDS
rm -rf "$venv"
"$python" -m venv "$venv"
"${venv}/bin/python" -m pip install --quiet -r "$requirements"
touch "$stamp"
log "$(basename "$venv") ready in $((SECONDS - start))s"
