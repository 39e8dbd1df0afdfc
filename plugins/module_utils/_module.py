# -*- coding: utf-8 -*-
# Copyright (c) 2026 quaytools.tags contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

# FOR INTERNAL COLLECTION USE ONLY.
# The interfaces in this file are meant for use within the quaytools.tags collection
# and may not remain stable to outside uses. Changes may be made in ANY release.

"""Connection options and the module wrapper every quaytools.tags module is built on."""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

from ansible.module_utils.basic import AnsibleModule, env_fallback, missing_required_lib

from ansible_collections.quaytools.tags.plugins.module_utils._client import HAS_REQUESTS, REQUESTS_IMPORT_ERROR, QuayError
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


class QuayModule:
    """An AnsibleModule with the connection options merged in, a lazily built client, and one error exit."""

    def __init__(self, argument_spec, **kwargs):
        spec = connection_argument_spec()
        spec.update(argument_spec)
        kwargs.setdefault("supports_check_mode", True)
        self.module = AnsibleModule(argument_spec=spec, **kwargs)
        self.params = self.module.params
        self._client = None
        if not HAS_REQUESTS:
            self.module.fail_json(msg=missing_required_lib("requests"), exception=REQUESTS_IMPORT_ERROR)
        self._check_connection_options()

    @property
    def check_mode(self):
        return self.module.check_mode

    @property
    def diff_mode(self):
        return self.module._diff

    def _check_connection_options(self):
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
        self.module.fail_json(msg=msg, **result)

    def fail_from_error(self, error, **result):
        """The one place a QuayError becomes a failed task."""
        if isinstance(error, QuayError):
            result.setdefault("error", error.to_result())
        self.fail(str(error), **result)

    def exit(self, **result):
        self.warn_retries()
        if self._client is not None:
            result.setdefault("api_requests", self._client.requests_sent)
        self.module.exit_json(**result)
