# -*- coding: utf-8 -*-
# Copyright (c) 2026 quaytools.tags contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

"""The roles' README, defaults and tasks agree with their meta/argument_specs.yml."""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import os
import re

import pytest
import yaml

ROOT = os.path.abspath(os.path.join(os.path.dirname(__file__), "..", "..", ".."))
ROLES = ("promote", "prune")
# Facts the roles set for the caller (documented in the README's "Result" section, not inputs).
OUTPUTS = {"promote_summary", "prune_summary"}
TYPES = {"list of str": ("list", "str"), "str": ("str", None), "int": ("int", None), "bool": ("bool", None),
         "raw": ("raw", None)}


def load(role, *path):
    with open(os.path.join(ROOT, "roles", role, *path), encoding="utf-8") as handle:
        return handle.read()


def options(role):
    return yaml.safe_load(load(role, "meta", "argument_specs.yml"))["argument_specs"]["main"]["options"]


def readme_rows(role):
    """The Variables table: name -> (type, required, default) as written."""
    rows = {}
    for line in load(role, "README.md").splitlines():
        cells = [cell.strip() for cell in line.split("|")]
        if len(cells) > 5 and re.match(r"^`%s_\w+`$" % role, cells[1]):
            name, kind, required, default = cells[1].strip("`"), cells[2], cells[3], cells[4]
            assert name not in rows, "%s listed twice in roles/%s/README.md" % (name, role)
            rows[name] = (kind, required, default)
    return rows


@pytest.mark.parametrize("role", ROLES)
def test_every_option_is_prefixed_described_and_typed(role):
    for name, spec in options(role).items():
        assert name.startswith(role + "_"), name
        assert spec.get("description"), name
        assert spec.get("type") in ("list", "str", "int", "bool", "raw"), name
        if spec["type"] == "list":
            assert spec.get("elements") == "str", name


@pytest.mark.parametrize("role", ROLES)
def test_readme_table_lists_exactly_the_options_with_their_type_requirement_and_default(role):
    specs = options(role)
    rows = readme_rows(role)
    assert set(rows) == set(specs)
    for name, (kind, required, default) in rows.items():
        spec = specs[name]
        assert TYPES[kind] == (spec["type"], spec.get("elements")), name
        if spec.get("required"):
            assert required == "yes", name
        else:
            assert required != "yes", name
        if "default" in spec:
            assert default.startswith("`") and default.endswith("`"), name
            assert yaml.safe_load(default.strip("`")) == spec["default"], name
        else:
            assert default == "", name


@pytest.mark.parametrize("role", ROLES)
def test_defaults_file_matches_the_spec_defaults(role):
    defaults = yaml.safe_load(load(role, "defaults", "main.yml")) or {}
    specs = options(role)
    assert defaults == dict((name, spec["default"]) for name, spec in specs.items() if "default" in spec)
    for name, spec in specs.items():
        assert not (spec.get("required") and "default" in spec), name


@pytest.mark.parametrize("role", ROLES)
def test_tasks_use_only_documented_variables(role):
    tasks = re.sub(r"(?m)^\s*#.*$", "", load(role, "tasks", "main.yml"))
    used = set(re.findall(r"(?<![\w.])(%s_[a-z_]+)" % role, tasks))
    assert used - OUTPUTS <= set(options(role)), used - OUTPUTS - set(options(role))
    assert set(options(role)) - used == set(), "documented but unused: %s" % (set(options(role)) - used)


@pytest.mark.parametrize("role", ROLES)
def test_internal_variables_are_marked_private(role):
    tasks = load(role, "tasks", "main.yml")
    for name in re.findall(r"^\s*(?:register:\s*|)(\w+):", tasks, re.M):
        if name.startswith("_"):
            assert name.startswith("__%s_" % role), name
    for name in re.findall(r"register:\s*(\w+)", tasks):
        assert name.startswith("__%s_" % role), name
