# -*- coding: utf-8 -*-
# Copyright (c) 2026 quaytools.tags contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

"""The tag listing, GET /api/v1/repository/<namespace>/<name>/tag/: query arguments, filters, paging, tag objects.

Paging: ``limit`` is clamped to 1..100 (default 50), ``page`` to >= 1; a page holds ``limit`` rows in listing order
(newest start first, then name) and ``has_additional`` says whether a row follows. Only ``specificTag`` /
``filter_tag_name`` / ``onlyActiveTags`` select rows; a listing shows every lifetime of a name (history included).
"""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import re
from urllib.parse import parse_qsl

from .endpoint import REPOSITORY_PATH, Route, add_slash_redirect
from .responses import format_date, fr_json
from .settings import FALSE_STRINGS
from .texts import FILTER_ERROR, QUERY_HELP


def list_tags(model, request):
    """GET .../tag/: one page of the repository's tag rows."""
    repo = request.repo
    query = request.query
    headers = request.headers
    args = {}
    for key, value in parse_qsl(query or "", keep_blank_values=True, errors="replace"):
        args.setdefault(key, []).append(value)
    # Flask-RESTful reqparse, arguments in Quay's declaration order; every value is converted, the first kept.
    only_active = [value not in FALSE_STRINGS for value in args.get("onlyActiveTags", [])]
    numbers = {"page": 1, "limit": 50}
    for name in ("page", "limit"):
        converted = []
        for value in args.get(name, []):
            try:
                converted.append(int(value))
            except ValueError:
                return fr_json(400, {"message": {name: QUERY_HELP[name]}})
        if converted:
            numbers[name] = converted[0]
    filter_tag_name = (args.get("filter_tag_name") or [""])[0]
    specific_tag = (args.get("specificTag") or [""])[0]
    active = only_active[0] if only_active else False
    page = max(1, numbers["page"])
    limit = min(100, max(1, numbers["limit"]))
    if repo is None:
        return model.not_found(headers)
    eq_name = None
    like = None
    if filter_tag_name:
        if ":" not in filter_tag_name:
            return fr_json(400, {"message": FILTER_ERROR})
        operation, value = filter_tag_name.split(":", 1)
        if operation == "like":
            like = value
        elif operation == "eq":
            eq_name = value
    now = model.now_ms()
    rows = filtered(repo, specific_tag or None, eq_name, like, active, now)
    offset = limit * (page - 1)
    window = rows[offset:offset + limit + 1]
    immutable = bool(model.state.config.get("immutable_tags"))
    return fr_json(200, {
        "tags": [tag_entry(repo, row, immutable) for row in window[:limit]],
        "page": page,
        "has_additional": len(window) > limit,
    })


def filtered(repo, specific, eq_name, like, active, now):
    """The rows a listing selects, in listing order; cached per repository version (and, for active-only views,
    until the first alive row in them expires)."""
    if specific is not None and eq_name is not None and specific != eq_name:
        return []
    name = specific if specific is not None else eq_name
    base = repo.by_name.get(name, []) if name is not None else repo.rows
    if like is None and not active:
        return base
    key = (name, like, active)
    cached = repo.cache.get(key)
    if cached is not None and (cached[0] is None or now < cached[0]):
        return cached[1]
    matcher = like_matcher(like) if like is not None else None
    selected = []
    expires = None
    for row in base:
        if matcher is not None and not matcher(row.name):
            continue
        if active:
            if not row.alive(now):
                continue
            if row.end_ms is not None and (expires is None or row.end_ms < expires):
                expires = row.end_ms
        selected.append(row)
    if len(repo.cache) > 64:
        repo.cache.clear()
    repo.cache[key] = (expires, selected)
    return selected


def tag_entry(repo, row, immutable):
    """One tag object, keys in Quay's order (_tag_dict)."""
    start_s = row.start_ms // 1000 if row.start_ms else None
    end_s = row.end_ms // 1000 if row.end_ms else None
    entry = {"name": row.name, "reversion": row.reversion}
    if immutable:
        entry["immutable"] = row.immutable
    if start_s and start_s > 0:
        entry["start_ts"] = start_s
    if end_s and end_s > 0:
        entry["end_ts"] = end_s
    manifest = repo.manifests[row.manifest]
    entry["manifest_digest"] = row.manifest
    entry["is_manifest_list"] = manifest.is_list
    entry["size"] = manifest.size
    if start_s and start_s > 0:
        entry["last_modified"] = format_date(start_s)
    if end_s is not None:
        entry["expiration"] = format_date(end_s)
    if manifest.is_list:
        presence = {}
        for child in manifest.children:
            presence[child] = child in repo.manifests
        present = sum(1 for child in manifest.children if child in repo.manifests)
        entry["is_sparse"] = present < len(manifest.children)
        entry["child_manifest_count"] = len(manifest.children)
        entry["present_child_count"] = present
        entry["child_manifests_presence"] = presence
    return entry


def like_matcher(value):
    """SQL ILIKE '%value%': case-insensitive, % and _ are wildcards, a backslash escapes the next character."""
    if not any(char in value for char in "%_\\"):
        needle = value.lower()
        return lambda name: needle in name.lower()
    parts = []
    escaped = False
    for char in value:
        if escaped:
            parts.append(re.escape(char))
            escaped = False
        elif char == "\\":
            escaped = True
        elif char == "%":
            parts.append(".*")
        elif char == "_":
            parts.append(".")
        else:
            parts.append(re.escape(char))
    if escaped:
        parts.append(re.escape("\\"))
    pattern = re.compile(".*%s.*" % "".join(parts), re.IGNORECASE | re.DOTALL)
    return lambda name: pattern.fullmatch(name) is not None


ROUTES = (
    Route(("GET", "HEAD", "OPTIONS"), REPOSITORY_PATH + r"/tag/", list_tags, need="read"),
    # Werkzeug's redirect of the listing without its trailing slash (not shown in a 405's Allow header).
    Route(("GET", "HEAD", "OPTIONS"), REPOSITORY_PATH + r"/tag", add_slash_redirect, pipeline=False, advertise=False),
)
