# -*- coding: utf-8 -*-
# Copyright (c) 2026 quaytools.tags contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

# FOR INTERNAL COLLECTION USE ONLY.
# The interfaces in this file are meant for use within the quaytools.tags collection
# and may not remain stable to outside uses. Changes may be made in ANY release.

"""The module wrapper every quaytools.tags module is built on (the module path of the task runtime)."""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

from ansible.module_utils.basic import AnsibleModule, missing_required_lib

from ansible_collections.quaytools.tags.plugins.module_utils._client import HAS_REQUESTS, REQUESTS_IMPORT_ERROR
from ansible_collections.quaytools.tags.plugins.module_utils._runtime import TaskRuntime, full_spec
# Kept importable from here, where it was defined before the fast path.
from ansible_collections.quaytools.tags.plugins.module_utils._runtime import connection_argument_spec  # noqa: F401 pylint: disable=unused-import


class QuayModule(TaskRuntime):
    """The module path: an AnsibleModule with the connection options merged in, a lazily built client, one error exit.

    ``QuayModule(**spec())`` takes a module's ``spec()``: the AnsibleModule keyword arguments without the connection
    options. The action plugin's ``ControllerTask`` implements the same interface in the controller.
    """

    def __init__(self, argument_spec, **kwargs):
        kwargs["argument_spec"] = argument_spec
        self.module = AnsibleModule(**full_spec(kwargs))
        self.params = self.module.params
        self._client = None
        if not HAS_REQUESTS:
            self.module.fail_json(msg=missing_required_lib("requests"), exception=REQUESTS_IMPORT_ERROR)
        self.check_connection_options()

    @property
    def check_mode(self):
        return self.module.check_mode

    @property
    def diff_mode(self):
        return self.module._diff

    def _finish(self, result, failed):
        if failed:
            self.module.fail_json(**result)
        self.module.exit_json(**result)
