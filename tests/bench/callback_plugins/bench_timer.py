# -*- coding: utf-8 -*-
# Copyright (c) 2026 quaytools.tags contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

"""Benchmark callback (tests/bench only): the wall time of every task, written as JSON when the playbook ends.

A task's time runs from ``v2_playbook_on_task_start`` to its final result for the host (ok, failed, skipped,
unreachable); for a loop that is after the last item. It covers what Ansible does for the task on the controller
(templating, building or reusing the AnsiballZ payload, the worker process, copying it, running the module, cleaning
up) and nothing between tasks. The file is ``$QUAYTOOLS_BENCH_TIMINGS``: ``{"tasks": [{"name", "seconds", "status"}]}``.
"""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

DOCUMENTATION = r"""
name: bench_timer
type: aggregate
short_description: Time every task (quaytools.tags benchmarks)
description:
  - Writes the wall time of every task to the JSON file named by E(QUAYTOOLS_BENCH_TIMINGS).
requirements:
  - enable in configuration
"""

import json
import os
import time

from ansible.plugins.callback import CallbackBase


class CallbackModule(CallbackBase):
    CALLBACK_VERSION = 2.0
    CALLBACK_TYPE = "aggregate"
    CALLBACK_NAME = "bench_timer"
    CALLBACK_NEEDS_ENABLED = True

    def __init__(self, *args, **kwargs):
        super(CallbackModule, self).__init__(*args, **kwargs)
        self._tasks = []
        self._current = None

    def _finish(self, status):
        if self._current is not None:
            name, started = self._current
            self._tasks.append({"name": name, "seconds": time.perf_counter() - started, "status": status})
            self._current = None

    def v2_playbook_on_task_start(self, task, is_conditional):
        self._finish("unknown")
        self._current = (task.get_name(), time.perf_counter())

    def v2_playbook_on_handler_task_start(self, task):
        self.v2_playbook_on_task_start(task, False)

    def v2_runner_on_ok(self, result, **kwargs):
        self._finish("ok")

    def v2_runner_on_failed(self, result, ignore_errors=False, **kwargs):
        self._finish("ignored" if ignore_errors else "failed")

    def v2_runner_on_skipped(self, result, **kwargs):
        self._finish("skipped")

    def v2_runner_on_unreachable(self, result, **kwargs):
        self._finish("unreachable")

    def v2_playbook_on_stats(self, stats):
        self._finish("unknown")
        path = os.environ.get("QUAYTOOLS_BENCH_TIMINGS")
        if path:
            with open(path, "w") as handle:
                json.dump({"tasks": self._tasks}, handle)
