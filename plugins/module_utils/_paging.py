# -*- coding: utf-8 -*-
# Copyright (c) 2026 quaytools.tags contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

# FOR INTERNAL COLLECTION USE ONLY.
# The interfaces in this file are meant for use within the quaytools.tags collection
# and may not remain stable to outside uses. Changes may be made in ANY release.

"""Paging of tag listings: ``follow_pages`` reads page after page, and PageGuard stops a listing that does not advance.
Rows per page: ``_common.PAGE_SIZE``."""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

from ansible_collections.quaytools.tags.plugins.module_utils._errors import QuayError
from ansible_collections.quaytools.tags.plugins.module_utils._validators import _printable, validate_repository


class PageGuard:
    """Checks that a paged listing advances: each page is the one asked for and repeats no earlier page.

    Quay answers ``page`` with the number it served; a server or proxy that ignores the parameter serves the first page
    again and again with ``has_additional`` still true, which a client that trusts ``has_additional`` follows forever.
    """

    def __init__(self, repository, path):
        self.repository = repository
        self.path = path
        self.seen = {}

    def check(self, page, data):
        served = data.get("page")
        if served is not None and str(served) != str(page):
            self._stop(page, "the answer is page %s" % _printable(served))
        rows = data.get("tags") or []
        if not rows:
            return
        key = tuple((row.get("name"), row.get("start_ts"), row.get("end_ts"), row.get("manifest_digest"))
                    if isinstance(row, dict) else repr(row) for row in rows)
        if key in self.seen:
            self._stop(page, "its tags are those of page %d again" % self.seen[key])
        self.seen[key] = page

    def _stop(self, page, what):
        raise QuayError("the tag listing of %s does not advance at page %d: %s, so following has_additional would never end. "
                        "A server or proxy in front of Quay seems to ignore the page parameter; check quay_host (GET %s)"
                        % (self.repository, page, what, self.path), "bad_response", method="GET", path=self.path, status=200)


def follow_pages(client, repository, **query):
    """Each page of ``client.list_tags(repository, **query)`` in turn, following ``has_additional``; a page that repeats
    an earlier one or does not advance is a QuayError (see PageGuard). The caller may stop early."""
    guard = PageGuard(repository, "/api/v1/repository/%s/tag/" % validate_repository(repository))
    page = 1
    while True:
        data = client.list_tags(repository, page=page, **query)
        guard.check(page, data)
        yield data
        if not data.get("has_additional") or not data["tags"]:
            return
        page += 1
