# -*- coding: utf-8 -*-
# Copyright (c) 2026 quaytools.tags contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

# FOR INTERNAL COLLECTION USE ONLY.
# The interfaces in this file are meant for use within the quaytools.tags collection
# and may not remain stable to outside uses. Changes may be made in ANY release.

"""Quay's repository listing, ``GET /api/v1/repository``, page by page.

What the real server does (pinned by tests/unit/emulator/test_repository_listing.py):

- one of ``namespace``, ``starred`` or ``public`` is required (else 400 ``invalid_request``);
- pages hold at most 100 repositories; there is no ``limit``. A page that has more after it carries an opaque
  ``next_page`` value, to be sent back as the ``next_page`` parameter; the last page has no ``next_page`` key;
- an unknown namespace, or one the caller has no rights in, lists nothing (200, ``[]``), not an error;
- the token's scopes do not filter the list: what the user can read is listed;
- ``last_modified=true`` adds ``last_modified`` (epoch seconds, ``null`` for a repository without tags);
  ``public=true`` adds every public repository the caller can see;
- a ``next_page`` the server does not understand is ignored: the first page comes again, so a client that kept
  following it would never end (:func:`iter_repositories` stops at a page of repositories it has already listed).
"""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

from ansible_collections.quaytools.tags.plugins.module_utils._client import NAMESPACE_RE, QuayError

LIST_PATH = "/api/v1/repository"
PAGE_SIZE = 100
# A server that keeps answering next_page would otherwise be read forever: 100,000 repositories is far beyond any
# namespace this collection is meant for.
MAX_PAGES = 1000


def validate_namespace(namespace):
    """An organization or user name as Quay allows it (2-255 lower-case letters, digits, single . _ - between)."""
    if not isinstance(namespace, str) or not (2 <= len(namespace) <= 255 and NAMESPACE_RE.match(namespace)):
        raise ValueError("%r is not a namespace: use 2-255 lower-case letters, digits and single . _ - between them, "
                         "for example myorg" % (namespace,))
    return namespace


def list_repositories_page(client, namespace=None, public=False, last_modified=False, next_page=None):
    """One page of the listing: ``{"repositories": [...], "next_page": ...}`` (``next_page`` only when more follow)."""
    params = []
    if namespace is not None:
        params.append(("namespace", validate_namespace(namespace)))
    if public:
        params.append(("public", "true"))
    if namespace is None and not public:
        raise ValueError("the repository listing needs a namespace, or public")
    if last_modified:
        params.append(("last_modified", "true"))
    if next_page is not None:
        params.append(("next_page", next_page))
    data = client.get_json(LIST_PATH, params=params, context={
        "repository": "namespace %s" % namespace if namespace else "the public repositories",
        "not_found": "the repository listing is not there (HTTP 404): is quay_host a Quay server?"})
    if not isinstance(data.get("repositories"), list):
        raise QuayError("Quay answered the repository listing without a repositories list: is quay_host a Quay server? "
                        "(GET %s)" % LIST_PATH, "bad_response", method="GET", path=LIST_PATH, status=200)
    return data


def iter_repositories(client, namespace=None, public=False, last_modified=False):
    """Every repository of the listing, one page in memory at a time, following ``next_page``."""
    what = namespace or "the public repositories"
    seen = set()
    next_page = None
    for dummy in range(MAX_PAGES):
        data = list_repositories_page(client, namespace=namespace, public=public, last_modified=last_modified,
                                      next_page=next_page)
        names = [(item.get("namespace"), item.get("name")) for item in data["repositories"] if isinstance(item, dict)]
        if names and all(name in seen for name in names):
            raise QuayError("Quay's repository listing of %s went back to repositories it had already listed: the "
                            "next_page value was not understood (GET %s)" % (what, LIST_PATH), "bad_response",
                            method="GET", path=LIST_PATH, status=200)
        seen.update(names)
        for item in data["repositories"]:
            if isinstance(item, dict):
                yield item
        next_page = data.get("next_page")
        if not next_page or not data["repositories"]:
            return
    raise QuayError("Quay's repository listing of %s did not end after %d pages (GET %s)" % (
        what, MAX_PAGES, LIST_PATH), "bad_response", method="GET", path=LIST_PATH, status=200)


def repository_name(item):
    """``namespace/name`` of a listing item."""
    return "%s/%s" % (item.get("namespace"), item.get("name"))
