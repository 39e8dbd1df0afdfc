#!/usr/bin/env bash
# Documentation checks and the HTML site.
#
# usage: tests/ci/docs.sh lint    antsibull-docs lint-collection-docs --plugin-docs, antsibull-changelog lint
#        tests/ci/docs.sh build   antsibull-docs sphinx-init --use-current + build: .tmp/docs/build/html
#                                 (DOCS_DIR=... to build elsewhere)
# shellcheck source=tests/ci/lib.sh
source "$(dirname "$0")/lib.sh"

export PATH="${ROOT}/.venv/bin:${PATH}"
cd "${ROOT}" || exit 1

lint() {
    local status=0
    log "antsibull-docs lint-collection-docs --plugin-docs"
    antsibull-docs lint-collection-docs --plugin-docs --check-extra-docs-refs --validate-collection-refs self \
        --disallow-unknown-collection-refs . || status=1
    log "antsibull-changelog lint"
    antsibull-changelog lint || status=1
    return "$status"
}

build() {
    local dest="${DOCS_DIR:-${TMP_ROOT}/docs}" work
    work="$(mktemp -d "${TMPDIR:-/tmp}/${FQCN}-docs.XXXXXX")"
    trap 'rm -rf "$work"' RETURN
    # antsibull-docs finds the collection through ansible-doc: give it a copy on an otherwise empty path.
    stage_collection "${work}/collections" >/dev/null
    export ANSIBLE_COLLECTIONS_PATH="${work}/collections" ANSIBLE_HOME="${work}/ansible-home"

    rm -rf "$dest"
    mkdir -p "$dest"
    log "antsibull-docs sphinx-init into ${dest#"${ROOT}"/}"
    antsibull-docs sphinx-init --use-current --squash-hierarchy --fail-on-error --dest-dir "$dest" "$FQCN" >/dev/null
    # Offline: no intersphinx inventory can be fetched, so references into other sites cannot resolve.
    cat >>"${dest}/conf.py" <<'CONF'

# Added by tests/ci/docs.sh: the build runs offline, so no intersphinx inventories, and references
# into docs.ansible.com (which only intersphinx could resolve) are not errors.
intersphinx_mapping = {}
suppress_warnings = ['ref.ref']
CONF
    log "building the HTML site"
    (cd "$dest" && ./build.sh)
    [[ -f "${dest}/build/html/index.html" ]] || die "no index.html built"
    log "docs: file://${dest}/build/html/index.html"
}

case "${1:-}" in
    lint) lint ;;
    build) build ;;
    *) die "usage: $0 lint|build" ;;
esac
