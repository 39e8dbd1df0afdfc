# -*- coding: utf-8 -*-
# Copyright (c) 2026 quaytools.tags contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

"""The repository resource, /api/v1/repository/<namespace>/<name> (GET, PUT, DELETE).

Its pattern takes any path of two or more segments, so it is also where Quay sends GET .../tag/<name> and names
with encoded slashes: it stays last in routing.ROUTE_MODULES.
"""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import hashlib
from urllib.parse import parse_qsl

from .endpoint import REPOSITORY_PATH, Route
from .permissions import ROLES
from .responses import Response, format_date, fr_json
from .settings import FALSE_STRINGS

REPO_UPDATE_SCHEMA = {
    "type": "object",
    "description": "Fields which can be updated in a repository.",
    "required": ["description"],
    "properties": {
        "description": {
            "type": "string",
            "description": "Markdown encoded description for the repository",
        },
    },
}


def get_repository(model, request):
    """GET .../<namespace>/<name>: the repository, with up to 500 alive tags unless includeTags is false."""
    caller, repo, query, headers = request.caller, request.repo, request.query, request.headers
    if repo is None:
        return model.not_found(headers)
    include_tags = True
    for key, value in parse_qsl(query or "", keep_blank_values=True, errors="replace"):
        if key == "includeTags":
            include_tags = value not in FALSE_STRINGS
            break
    namespace = model.state.namespace(repo.namespace)
    role = model.role(caller, repo.namespace, repo)
    data = {
        "namespace": repo.namespace,
        "name": repo.name,
        "kind": "image",
        "description": repo.description,
        "is_public": repo.public,
        "is_organization": namespace["organization"],
        "is_starred": False,
        "status_token": "" if repo.public else hashlib.sha1(repo.full_name.encode("utf-8")).hexdigest(),
        "trust_enabled": False,
        "tag_expiration_s": namespace["time_machine_s"],
        "is_free_account": True,
        "state": repo.state.upper(),
    }
    if include_tags:
        now = model.now_ms()
        tags = {}
        for row in repo.rows:
            if len(tags) >= 500:
                break
            if row.name in tags or not row.alive(now):
                continue
            manifest = repo.manifests[row.manifest]
            info = {"name": row.name, "size": manifest.size}
            if row.start_ms // 1000 > 0:
                info["last_modified"] = format_date(row.start_ms // 1000)
            if row.end_ms:
                info["expiration"] = format_date(row.end_ms // 1000)
            info["manifest_digest"] = row.manifest
            tags[row.name] = info
        data["tags"] = tags
    data["can_write"] = role >= ROLES["write"] and repo.state == "normal"
    data["can_admin"] = role >= ROLES["admin"]
    return fr_json(200, data)


def update_repository(model, request):
    """PUT .../<namespace>/<name>: set the description."""
    repo, body, headers = request.repo, request.body, request.headers
    data = model.parse_json(body, headers.get("Content-Type"), REPO_UPDATE_SCHEMA, headers)
    if repo is None:
        return model.not_found(headers)
    repo.description = data["description"]
    return fr_json(200, {"success": True})


def delete_repository(model, request):
    """DELETE .../<namespace>/<name>."""
    repo = request.repo
    # mark_repository_for_deletion returns None for a missing repository and the endpoint answers 204 anyway.
    if repo is not None:
        del model.state.repositories[repo.full_name]
    return Response(204, b"", "application/json")


ROUTES = (
    Route(("GET", "HEAD", "OPTIONS"), REPOSITORY_PATH, get_repository, need="read"),
    Route(("PUT",), REPOSITORY_PATH, update_repository, need="write", state_check=False),
    Route(("DELETE",), REPOSITORY_PATH, delete_repository, need="admin", state_check=False),
)
