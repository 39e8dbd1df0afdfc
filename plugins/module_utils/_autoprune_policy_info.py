# -*- coding: utf-8 -*-
# Copyright (c) 2026 quaytools.tags contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

# FOR INTERNAL COLLECTION USE ONLY.
# The interfaces in this file are meant for use within the quaytools.tags collection
# and may not remain stable to outside uses. Changes may be made in ANY release.

"""The logic of quaytools.tags.quay_autoprune_policy_info: read the auto-prune policies of one scope."""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

from ansible_collections.quaytools.tags.plugins.module_utils._policy_reconcile import AUTOPRUNE
from ansible_collections.quaytools.tags.plugins.module_utils._policy_task import run_info


def run(task, now=None):
    """Entry point of the module (``now`` is unused)."""
    run_info(task, AUTOPRUNE, user_allowed=True)
