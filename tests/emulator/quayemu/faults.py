# -*- coding: utf-8 -*-
# Copyright (c) 2026 quaytools.tags contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

"""Fault injection: rules that answer, drop, truncate or delay matching requests (rule format in docs/developing.md).

The HTTP handler (server.py) asks ``take_fault`` before the application sees a request.
"""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import email.utils
import json
import re
import time

from .responses import Response

FAULT_ACTIONS = ("respond", "drop", "truncate", "delay")


class FaultRule:
    """One fault rule (see docs/developing.md)."""

    def __init__(self, spec):
        if not isinstance(spec, dict):
            raise ValueError("a fault rule must be a JSON object")
        unknown = set(spec) - set(["method", "path", "query", "count", "skip", "status", "body", "content_type",
                                   "headers", "delay", "action", "retry_after_date"])
        if unknown:
            raise ValueError("unknown fault rule keys: %s" % ", ".join(sorted(unknown)))
        self.spec = dict(spec)
        self.method = str(spec.get("method", "*")).upper()
        self.path = re.compile(spec.get("path") or "")
        self.query = re.compile(spec["query"]) if spec.get("query") is not None else None
        self.count = int(spec.get("count", 1))
        self.skip = int(spec.get("skip", 0))
        self.action = spec.get("action", "respond")
        if self.action not in FAULT_ACTIONS:
            raise ValueError("fault action must be one of %s" % ", ".join(FAULT_ACTIONS))
        self.delay = float(spec.get("delay", 1.0 if self.action == "delay" else 0.0))
        self.status = int(spec.get("status", 503))
        self.headers = [(str(key), str(value)) for key, value in (spec.get("headers") or {}).items()]
        # Retry-After as an HTTP-date this many seconds after the answer (wall clock), computed when the rule fires.
        self.retry_after_date = float(spec["retry_after_date"]) if spec.get("retry_after_date") is not None else None
        self.fired = 0
        if "body" in spec:
            body = spec["body"]
            if isinstance(body, str):
                self.body = body.encode("utf-8")
                default_type = "text/plain; charset=utf-8"
            else:
                self.body = json.dumps(body).encode("utf-8")
                default_type = "application/json"
        else:
            self.body = b""
            default_type = "application/json"
        self.content_type = spec.get("content_type") or default_type

    def matches(self, method, path, query):
        if self.method not in ("*", method):
            return False
        if self.path.search(path) is None:
            return False
        return self.query is None or self.query.search(query or "") is not None

    @property
    def exhausted(self):
        return self.count > 0 and self.fired >= self.count

    def response(self):
        headers = list(self.headers)
        if self.retry_after_date is not None:
            headers.append(("Retry-After", email.utils.formatdate(time.time() + self.retry_after_date, usegmt=True)))
        return Response(self.status, self.body, self.content_type, headers)

    def to_dict(self):
        data = dict(self.spec)
        data["remaining_skip"] = self.skip
        data["fired"] = self.fired
        return data


def take_fault(rules, method, raw_path, query):
    """The rule that fires for this request, if any (rules that are still skipping let it through). Not locked."""
    for rule in rules:
        if rule.exhausted or not rule.matches(method, raw_path, query):
            continue
        if rule.skip > 0:
            rule.skip -= 1
            continue
        rule.fired += 1
        return rule
    return None
