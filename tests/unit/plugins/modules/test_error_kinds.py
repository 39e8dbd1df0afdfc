# -*- coding: utf-8 -*-
# Copyright (c) 2026 quaytools.tags contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

"""The error kinds are listed once (_client.ERROR_KINDS); every module's RETURN shows exactly those as error.kind."""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import importlib
import os

import pytest
import yaml

from ansible_collections.quaytools.tags.plugins.module_utils._client import ERROR_KINDS, QuayError

MODULES_DIR = os.path.join(os.path.dirname(__file__), "..", "..", "..", "..", "plugins", "modules")
MODULES = sorted(name[:-3] for name in os.listdir(MODULES_DIR) if name.startswith("quay_") and name.endswith(".py"))


def test_every_module_is_checked():
    assert "quay_tag" in MODULES and "quay_tag_info" in MODULES and len(MODULES) >= 7


@pytest.mark.parametrize("name", MODULES)
def test_return_lists_the_error_kinds(name):
    module = importlib.import_module("ansible_collections.quaytools.tags.plugins.modules." + name)
    kind = yaml.safe_load(module.RETURN)["error"]["contains"]["kind"]
    assert kind["choices"] == list(ERROR_KINDS)


def test_a_kind_outside_the_list_is_a_bug_caught_at_once():
    with pytest.raises(ValueError, match="ERROR_KINDS"):
        raise QuayError("boom", "unknown_kind")  # the constructor refuses it before the raise
    assert QuayError("gone", "not_found").to_result()["kind"] == "not_found"


def test_kinds_are_unique_words():
    assert len(set(ERROR_KINDS)) == len(ERROR_KINDS)
    assert all(kind.replace("_", "").isalpha() and kind.islower() for kind in ERROR_KINDS)
