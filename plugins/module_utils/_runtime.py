# -*- coding: utf-8 -*-
# Copyright (c) 2026 quaytools.tags contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

# FOR INTERNAL COLLECTION USE ONLY.
# The interfaces in this file are meant for use within the quaytools.tags collection
# and may not remain stable to outside uses. Changes may be made in ANY release.

"""The task runtime every logic module runs on, whichever way the task is run.

``run(task, now=None)`` in each logic module uses only what :class:`TaskRuntime` offers: ``params``, ``check_mode``,
``diff_mode``, ``client``, ``module.warn(msg)``, ``fail(msg, **result)``, ``fail_from_error(err, **result)``,
``exit(**result)`` and ``warn_retries()``. Two classes implement it: ``QuayModule`` (``_module.py``, the module
process, around AnsibleModule) and ``ControllerTask`` (``plugins/plugin_utils/_fast_action.py``, the action plugin
in the controller's worker). What both share lives here, so both paths check and answer the same way.

Nothing here imports AnsibleModule.
"""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

from ansible.module_utils.common.parameters import env_fallback

from ansible_collections.quaytools.tags.plugins.module_utils._client import QuayError
from ansible_collections.quaytools.tags.plugins.module_utils._connection import (
    connection_problem,
    connection_warning,
    make_client,
)
from ansible_collections.quaytools.tags.plugins.module_utils._pool import DEFAULT_PARALLEL


def connection_argument_spec():
    """A fresh copy of the connection options shared by every module (doc fragment: quaytools.tags.connection)."""
    return dict(
        quay_host=dict(type="str", fallback=(env_fallback, ["QUAY_HOST"])),
        quay_token=dict(type="str", no_log=True, fallback=(env_fallback, ["QUAY_TOKEN"])),
        validate_certs=dict(type="bool", default=True, fallback=(env_fallback, ["QUAY_VALIDATE_CERTS"])),
        ca_path=dict(type="path", fallback=(env_fallback, ["QUAY_CA_PATH"])),
        timeout=dict(type="float", default=30.0, fallback=(env_fallback, ["QUAY_TIMEOUT"])),
        retries=dict(type="int", default=3, fallback=(env_fallback, ["QUAY_RETRIES"])),
        parallel=dict(type="int", default=DEFAULT_PARALLEL, fallback=(env_fallback, ["QUAY_PARALLEL"])),
    )


def full_spec(module_spec):
    """A module's ``spec()`` (AnsibleModule keyword arguments) with the connection options merged in."""
    kwargs = dict(module_spec)
    argument_spec = connection_argument_spec()
    argument_spec.update(kwargs.get("argument_spec") or {})
    kwargs["argument_spec"] = argument_spec
    kwargs.setdefault("supports_check_mode", True)
    return kwargs


class TaskRuntime:
    """What the module and the fast path share: the connection checks, the client, and every exit.

    A subclass sets ``params``, ``check_mode``, ``diff_mode`` and ``module`` (an object with ``warn(msg)``), and
    implements ``_finish(result, failed)``, which must not return (the logic modules count on it, as on
    ``fail_json``).
    """

    params = None
    check_mode = False
    diff_mode = False
    module = None
    _client = None

    def _finish(self, result, failed):
        raise NotImplementedError

    def check_connection_options(self):
        problem = connection_problem(self.params, "on the task, once for all modules with module_defaults "
                                                  "group/quaytools.tags.quay,")
        if problem:
            self.fail(problem)
        warning = connection_warning(self.params)
        if warning:
            self.module.warn(warning)

    @property
    def client(self):
        if self._client is None:
            self._client = make_client(self.params)
        return self._client

    def warn_retries(self):
        if self._client is not None:
            for warning in self._client.warnings:
                self.module.warn(warning)

    def fail(self, msg, **result):
        self.warn_retries()
        # 0 when the task fails before its first request (bad input, connection options).
        result.setdefault("api_requests", self._client.requests_sent if self._client is not None else 0)
        result["msg"] = msg
        self._finish(result, failed=True)

    def fail_from_error(self, error, **result):
        """The one place a QuayError becomes a failed task."""
        if isinstance(error, QuayError):
            result.setdefault("error", error.to_result())
        self.fail(str(error), **result)

    def exit(self, **result):
        self.warn_retries()
        if self._client is not None:
            result.setdefault("api_requests", self._client.requests_sent)
        self._finish(result, failed=False)
