# -*- coding: utf-8 -*-
# Copyright (c) 2026 quaytools.tags contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

"""The action plugin of quaytools.tags.quay_repository_info: the fast path (docs/developing.md), the module where it does not apply."""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

from ansible_collections.quaytools.tags.plugins.module_utils._repository_info import run
from ansible_collections.quaytools.tags.plugins.modules.quay_repository_info import spec
from ansible_collections.quaytools.tags.plugins.plugin_utils._fast_action import QuayAction


class ActionModule(QuayAction):
    SPEC = staticmethod(spec)
    RUN = staticmethod(run)
