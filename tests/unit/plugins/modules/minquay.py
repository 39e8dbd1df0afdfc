# -*- coding: utf-8 -*-
# Copyright (c) 2026 quaytools.tags contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

"""A small thread-safe stand-in for Quay's tag endpoints, as a FakeTransport handler, for multi-repository tests.

It keeps rows per repository (active rows have no ``end_ts``), answers the list (``specificTag``, ``like:``,
``onlyActiveTags``, pages), PUT (move, expiration), DELETE and restore, and 404 for an unknown repository. Faults:
``fail[repository] = [(status, body, headers), ...]`` answers the next requests of that repository with those.
"""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import re
import threading
import time

NOW = int(time.time())
NOT_FOUND = {"detail": "Not Found", "error_message": "Not Found", "error_type": "not_found", "status": 404}
PATH_RE = re.compile(r"^/api/v1/repository/([^/]+/[^/]+)/tag/([^/]*)(/restore)?$")


def digest(number):
    return "sha256:%064x" % number


class MiniQuay:
    def __init__(self, repositories):
        """``repositories``: {"ns/name": {"tag": digest, ...}}, every tag active, started a day ago."""
        self.lock = threading.Lock()
        self.rows = {}
        for repository, tags in repositories.items():
            self.rows[repository] = [{"name": name, "manifest_digest": value, "start_ts": NOW - 86400, "reversion": False,
                                      "is_manifest_list": False, "size": 1} for name, value in sorted(tags.items())]
        self.fail = {}
        # Writes happen at distinct seconds in the past, so that ended rows have ended (the module compares with now).
        self.clock = NOW - 3600

    def active(self, repository):
        with self.lock:
            return dict((row["name"], row["manifest_digest"]) for row in self.rows[repository] if "end_ts" not in row)

    def delete(self, repository, name):
        """Delete a tag behind the module's back (keeps its history row)."""
        with self.lock:
            self._end(repository, name)

    def _end(self, repository, name):
        self.clock += 1
        for row in self.rows[repository]:
            if row["name"] == name and "end_ts" not in row:
                row["end_ts"] = self.clock
                return row
        return None

    def _start(self, repository, name, value, reversion=False):
        self.clock += 1
        self.rows[repository].insert(0, {"name": name, "manifest_digest": value, "start_ts": self.clock,
                                         "reversion": reversion, "is_manifest_list": False, "size": 1})

    def __call__(self, call):
        match = PATH_RE.match(call.path)
        assert match, call
        repository, tag, restore = match.groups()
        with self.lock:
            pending = self.fail.get(repository)
            if pending:
                return pending.pop(0)
            if repository not in self.rows:
                return 404, NOT_FOUND, None
            if call.method == "GET":
                return 200, self._list(repository, call.query), None
            if call.method == "DELETE":
                return (204, None, None) if self._end(repository, tag) else (404, NOT_FOUND, None)
            if call.method == "POST" and restore:
                self._end(repository, tag)
                self._start(repository, tag, call.body["manifest_digest"], reversion=True)
                return 200, {}, None
            if call.method == "PUT":
                body = call.body
                if "manifest_digest" in body:
                    self._end(repository, tag)
                    self._start(repository, tag, body["manifest_digest"])
                if "expiration" in body:
                    for row in self.rows[repository]:
                        if row["name"] == tag and "end_ts" not in row:
                            row["end_ts"] = body["expiration"]
                return 201, "Updated", None
        raise AssertionError("unexpected %r" % call)

    def _list(self, repository, query):
        rows = self.rows[repository]
        if query.get("onlyActiveTags") == "true":
            rows = [row for row in rows if "end_ts" not in row or row["end_ts"] > NOW + 10 ** 6]
        if "specificTag" in query:
            rows = [row for row in rows if row["name"] == query["specificTag"]]
        like = query.get("filter_tag_name", "")
        if like.startswith("like:"):
            rows = [row for row in rows if like[5:].lower() in row["name"].lower()]
        limit = int(query.get("limit", 50))
        page = int(query.get("page", 1))
        chunk = rows[(page - 1) * limit:page * limit + 1]
        return {"tags": [dict(row) for row in chunk[:limit]], "page": page, "has_additional": len(chunk) > limit}
