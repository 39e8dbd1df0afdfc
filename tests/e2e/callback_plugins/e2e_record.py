# -*- coding: utf-8 -*-
# Copyright (c) 2026 quaytools.tags contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

"""Callback of the end-to-end tests: every task result, as the modules returned it, into one JSON file.

Enabled by tests/e2e/conftest.py next to the default stdout callback (ANSIBLE_CALLBACKS_ENABLED=e2e_record), it writes
``[{"task": name, "host": host, "status": "ok"|"changed"|"failed"|"skipped"|"unreachable", "result": {...}}, ...]`` to
the file named by the E2E_RECORD_FILE environment variable when the playbook ends.
"""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

DOCUMENTATION = r"""
name: e2e_record
type: aggregate
short_description: Record every task result to a JSON file (quaytools.tags end-to-end tests only)
description:
  - Writes the list of task results to the file named by the E2E_RECORD_FILE environment variable.
requirements:
  - enabled in ANSIBLE_CALLBACKS_ENABLED
"""

import json
import os

from ansible.module_utils.common.json import AnsibleJSONEncoder
from ansible.plugins.callback import CallbackBase


class CallbackModule(CallbackBase):
    CALLBACK_VERSION = 2.0
    CALLBACK_TYPE = "aggregate"
    CALLBACK_NAME = "e2e_record"
    CALLBACK_NEEDS_ENABLED = True

    def __init__(self, *args, **kwargs):
        super(CallbackModule, self).__init__(*args, **kwargs)
        self.records = []

    def _record(self, result, status):
        # ansible-core 2.19 exposes .host/.result; older versions only ._host/._result.
        host = getattr(result, "host", None) or result._host
        data = getattr(result, "result", None)
        if data is None:
            data = result._result
        if status == "ok" and data.get("changed"):
            status = "changed"
        if status == "failed" and "failed" not in data:
            data = dict(data, failed=True)  # as a registered result shows it (2.19 keeps it out of the callback's copy)
        self.records.append({"task": result.task_name, "host": host.get_name(), "status": status,
                             "result": json.loads(json.dumps(data, cls=AnsibleJSONEncoder))})

    def v2_runner_on_ok(self, result):
        self._record(result, "ok")

    def v2_runner_on_failed(self, result, ignore_errors=False):
        self._record(result, "failed")

    def v2_runner_on_skipped(self, result):
        self._record(result, "skipped")

    def v2_runner_on_unreachable(self, result):
        self._record(result, "unreachable")

    def v2_playbook_on_stats(self, stats):
        path = os.environ.get("E2E_RECORD_FILE")
        if path:
            with open(path, "w") as handle:
                json.dump(self.records, handle, indent=1, sort_keys=True)
