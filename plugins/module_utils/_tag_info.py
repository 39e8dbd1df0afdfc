# -*- coding: utf-8 -*-
# Copyright (c) 2026 quaytools.tags contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

# FOR INTERNAL COLLECTION USE ONLY.
# The interfaces in this file are meant for use within the quaytools.tags collection
# and may not remain stable to outside uses. Changes may be made in ANY release.

"""The logic of quaytools.tags.quay_tag_info, in the shape of every logic module (see _common).

``parse_request`` checks the options (no I/O), ``read_rows`` reads the listing (one tag name: one ``specificTag``
listing; several: as few requests as _tag_read's reading of several names needs), ``make_plan`` keeps and
normalises the rows (no I/O, ``now`` passed in), and ``run`` returns them. Nothing is written.
"""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

from ansible_collections.quaytools.tags.plugins.module_utils._client import (
    QuayError,
    validate_digest,
    validate_filter,
    validate_repository,
    validate_tag_name,
)
from ansible_collections.quaytools.tags.plugins.module_utils._common import (
    PAGE_SIZE,
    Request,
    checked,
    checked_names,
    begin,
    normalize_row,
)
from ansible_collections.quaytools.tags.plugins.module_utils._tag_read import common_substring, read_current


class InfoRequest(Request):
    """The checked options of one quay_tag_info task; ``names`` is empty when no tag name was given."""

    filter_tag_name = None
    only_active = True
    manifest_digest = None
    page = None
    limit = PAGE_SIZE


def parse_request(params, now=None):
    """Check the module options; raise ValueError naming the option. Sends nothing (``now`` for the common shape)."""
    repository = checked("repository", validate_repository, params["repository"])
    names = checked_names("name", validate_tag_name, params["name"]) if params.get("name") else []
    for option, validate in (("filter_tag_name", validate_filter), ("manifest_digest", validate_digest)):
        if params.get(option) is not None:
            checked(option, validate, params[option])
    limit = params.get("limit")
    if limit is None:
        limit = PAGE_SIZE
    if not 1 <= limit <= PAGE_SIZE:
        # Quay clamps limit to 1..100 silently; a value it would change is refused.
        raise ValueError("limit: %d is not a page size Quay accepts: use 1 to %d" % (limit, PAGE_SIZE))
    page = params.get("page")
    if page is not None and page < 1:
        raise ValueError("page: %d is not a page number: pages are numbered from 1" % page)
    if page is not None and len(names) > 1:
        raise ValueError("page: one page is one page of one listing, and %d tag names are read with several: leave page "
                         "out to read every row of %s, or give one name" % (len(names), ", ".join(names)))
    return InfoRequest(repository, names, filter_tag_name=params.get("filter_tag_name"),
                       only_active=params.get("only_active", True), manifest_digest=params.get("manifest_digest"),
                       page=page, limit=limit)


def read_rows(client, request, now):
    """The listing rows the request asks for: ``(rows, page facts)``; the facts are empty unless ``page`` was given.

    Several active tags by name are read as quay_tag reads them (_tag_read.read_current); their history, or names with
    ``filter_tag_name``, by one listing filtered on the server (``like:`` the longest substring every name shares)."""
    names = request.names
    query = dict(filter_tag_name=request.filter_tag_name, only_active=request.only_active)
    repository = request.repository
    if request.page is not None:
        data = client.list_tags(repository, specific_tag=names[0] if names else None, page=request.page,
                                limit=request.limit, **query)
        return data["tags"], {"page": data.get("page", request.page), "has_additional": bool(data.get("has_additional"))}
    if len(names) <= 1:
        return client.list_all_tags(repository, specific_tag=names[0] if names else None, limit=request.limit, **query), {}
    if request.only_active and request.filter_tag_name is None:
        current = read_current(client, repository, names, now)[0]
        return [current[name] for name in names if current[name] is not None], {}
    if query["filter_tag_name"] is None:
        shared = common_substring(names)
        query["filter_tag_name"] = ("like:" + shared) if shared else None
    wanted = set(names)
    return [row for row in client.list_all_tags(repository, limit=request.limit, **query) if row.get("name") in wanted], {}


def make_plan(request, rows, now):
    """The rows to return, normalised (ISO 8601 dates, ``active`` as of ``now``), kept by ``manifest_digest``."""
    digest = request.manifest_digest
    return [normalize_row(row, now) for row in rows if digest is None or row.get("manifest_digest") == digest]


def run(module, now=None):
    """Entry point of the module: ``module`` is a QuayModule."""
    request, now = begin(module, parse_request, now)
    try:
        rows, facts = read_rows(module.client, request, now)
    except QuayError as err:
        module.fail_from_error(err)
    module.exit(changed=False, tags=make_plan(request, rows, now), **facts)
