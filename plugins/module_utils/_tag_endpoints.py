# -*- coding: utf-8 -*-
# Copyright (c) 2026 quaytools.tags contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

# FOR INTERNAL COLLECTION USE ONLY.
# The interfaces in this file are meant for use within the quaytools.tags collection
# and may not remain stable to outside uses. Changes may be made in ANY release.

"""Quay's four tag endpoints (list, change, delete, restore), as methods of QuayClient (which inherits them from
TagEndpoints and gives them ``_request``, ``_json`` and ``_fail``: the request, retry and error core in _client)."""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

from ansible_collections.quaytools.tags.plugins.module_utils._paging import follow_pages
from ansible_collections.quaytools.tags.plugins.module_utils._validators import UNSET, validate_digest, validate_filter, validate_repository, validate_tag_name


class TagEndpoints:
    """listRepoTags, changeTag, deleteFullTag and restoreTag. The class that inherits them sends the requests."""

    def _request(self, method, path, params=None, body=UNSET, expect=(200,), context=None, confirm=None):
        raise NotImplementedError("QuayClient sends the requests")

    def _json(self, response, method, path):
        raise NotImplementedError("QuayClient reads the answers")

    def _fail(self, message, kind, method, path, status=None, server_message=None, attempts=1):
        raise NotImplementedError("QuayClient builds the errors")

    @staticmethod
    def _tag_path(repository, tag):
        return "/api/v1/repository/%s/tag/%s" % (validate_repository(repository), validate_tag_name(tag))

    def list_tags(self, repository, specific_tag=None, filter_tag_name=None, only_active=None, page=None, limit=None):
        """One page of listRepoTags: ``{"tags": [...], "page": N, "has_additional": bool}``."""
        path = "/api/v1/repository/%s/tag/" % validate_repository(repository)
        params = []
        if specific_tag is not None:
            params.append(("specificTag", validate_tag_name(specific_tag)))
        if filter_tag_name is not None:
            params.append(("filter_tag_name", validate_filter(filter_tag_name)))
        if only_active is not None:
            params.append(("onlyActiveTags", "true" if only_active else "false"))
        if limit is not None:
            params.append(("limit", str(int(limit))))
        if page is not None:
            params.append(("page", str(int(page))))
        response = self._request("GET", path, params=params or None, context={"op": "list", "repository": repository})
        data = self._json(response, "GET", path)
        if not isinstance(data, dict) or not isinstance(data.get("tags"), list):
            raise self._fail("Quay answered HTTP 200 without a tag list: is quay_host a Quay server?", "bad_response",
                             "GET", path, 200, None, getattr(response, "attempts", 1))
        return data

    def list_all_tags(self, repository, specific_tag=None, filter_tag_name=None, only_active=None, limit=100):
        """Every row, following ``has_additional`` page by page."""
        rows = []
        for data in follow_pages(self, repository, specific_tag=specific_tag, filter_tag_name=filter_tag_name,
                                 only_active=only_active, limit=limit):
            rows.extend(data["tags"])
        return rows

    def change_tag(self, repository, tag, manifest_digest=UNSET, expiration=UNSET, immutable=UNSET):
        """PUT: create or move a tag, or set its expiration or immutability (one concern per call is safest)."""
        path = self._tag_path(repository, tag)
        body = {}
        if manifest_digest is not UNSET:
            body["manifest_digest"] = validate_digest(manifest_digest)
        if expiration is not UNSET:
            body["expiration"] = None if expiration is None else int(expiration)
        if immutable is not UNSET:
            body["immutable"] = bool(immutable)
        context = {"op": "change", "repository": repository, "tag": tag, "expected": "201",
                   "manifest_digest": body.get("manifest_digest")}
        if immutable is False:
            context["scope"] = "repo:admin"
        confirm = None
        if list(body) == ["manifest_digest"]:
            # A move alone can be read back; with other fields, the digest would not say whether they were applied.
            confirm = self._points_at(repository, tag, body["manifest_digest"])
        self._request("PUT", path, body=body, expect=(201,), context=context, confirm=confirm)

    def _points_at(self, repository, tag, digest):
        """A read-back: whether the active tag points at digest (a move or restore whose answer was lost)."""
        def confirm():
            rows = self.list_tags(repository, specific_tag=tag, only_active=True)["tags"]
            return any(row.get("name") == tag and row.get("manifest_digest") == digest for row in rows)
        return confirm

    def delete_tag(self, repository, tag):
        """DELETE: end the active tag (it stays in the history, restorable)."""
        path = self._tag_path(repository, tag)
        self._request("DELETE", path, expect=(204,),
                      context={"op": "delete", "repository": repository, "tag": tag, "expected": "204"})

    def restore_tag(self, repository, tag, manifest_digest):
        """POST .../restore: point the tag at a manifest the repository still has (history included)."""
        path = self._tag_path(repository, tag) + "/restore"
        self._request("POST", path, body={"manifest_digest": validate_digest(manifest_digest)}, expect=(200,),
                      context={"op": "restore", "repository": repository, "tag": tag, "manifest_digest": manifest_digest,
                               "expected": "200"}, confirm=self._points_at(repository, tag, manifest_digest))
