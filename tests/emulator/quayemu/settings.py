# -*- coding: utf-8 -*-
# Copyright (c) 2026 quaytools.tags contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

"""The emulated server's configuration (Quay's feature flags and limits, settable per seed and at run time)."""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

TEMP_TAG_SECONDS = 300
DEFAULT_TIME_MACHINE_S = 1209600
DEFAULT_EXPIRATION_MIN_S = 3600
DEFAULT_EXPIRATION_MAX_S = 104 * 7 * 86400

# RepositoryState numbers as printed by "%s" on Python >= 3.11.
REPO_STATES = {"normal": 0, "read_only": 1, "mirror": 2}
# What Flask-RESTful's boolean query arguments read as false.
FALSE_STRINGS = frozenset(["false", "False", "FALSE", "0", "", "null"])

DEFAULT_CONFIG = {
    "auto_prune": False,
    "immutable_tags": False,
    "immutable_tags_can_expire": False,
    "registry_readonly": False,
    "anonymous_access": True,
    "browser_xhr_only": True,
    "server_hostname": None,
    "expiration_minimum_s": DEFAULT_EXPIRATION_MIN_S,
    "expiration_maximum_s": DEFAULT_EXPIRATION_MAX_S,
}
BOOL_CONFIG = ("auto_prune", "immutable_tags", "immutable_tags_can_expire", "registry_readonly", "anonymous_access", "browser_xhr_only")
