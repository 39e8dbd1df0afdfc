# -*- coding: utf-8 -*-
# Copyright (c) 2026 quaytools.tags contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

# FOR INTERNAL COLLECTION USE ONLY.
# The interfaces in this file are meant for use within the quaytools.tags collection
# and may not remain stable to outside uses. Changes may be made in ANY release.

"""The logic of quaytools.tags.quay_tag_info: validate, list (one page or all), normalise, filter."""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

from ansible_collections.quaytools.tags.plugins.module_utils._client import (
    QuayError,
    validate_digest,
    validate_filter,
    validate_repository,
    validate_tag_name,
)
from ansible_collections.quaytools.tags.plugins.module_utils._common import normalize_row, now_ts

# Quay clamps limit to 1..100 silently; we refuse values it would change.
MAX_LIMIT = 100


def check_params(params):
    """Every input checked before any request. Returns an error message naming the option, or None."""
    checks = (
        ("repository", validate_repository),
        ("name", validate_tag_name),
        ("filter_tag_name", validate_filter),
        ("manifest_digest", validate_digest),
    )
    for option, validate in checks:
        if params.get(option) is not None:
            try:
                validate(params[option])
            except ValueError as exc:
                return "%s: %s" % (option, exc)
    limit = params.get("limit")
    if limit is not None and not 1 <= limit <= MAX_LIMIT:
        return "limit: %d is not a page size Quay accepts: use 1 to %d" % (limit, MAX_LIMIT)
    page = params.get("page")
    if page is not None and page < 1:
        return "page: %d is not a page number: pages are numbered from 1" % page
    return None


def list_tags(client, params, now):
    """Read the rows ``params`` ask for. Returns the result dict (without ``changed``)."""
    query = dict(
        specific_tag=params.get("name"),
        filter_tag_name=params.get("filter_tag_name"),
        only_active=params["only_active"],
    )
    limit = params.get("limit") or MAX_LIMIT
    result = {}
    if params.get("page") is not None:
        data = client.list_tags(params["repository"], page=params["page"], limit=limit, **query)
        rows = data["tags"]
        result["page"] = data.get("page", params["page"])
        result["has_additional"] = bool(data.get("has_additional"))
    else:
        rows = client.list_all_tags(params["repository"], limit=limit, **query)
    digest = params.get("manifest_digest")
    result["tags"] = [normalize_row(row, now) for row in rows if digest is None or row.get("manifest_digest") == digest]
    return result


def run(module, now=None):
    """Entry point of the module: ``module`` is a QuayModule."""
    params = module.params
    problem = check_params(params)
    if problem:
        module.fail(problem)
    try:
        result = list_tags(module.client, params, now_ts() if now is None else now)
    except QuayError as err:
        module.fail_from_error(err)
    module.exit(changed=False, **result)
