# -*- coding: utf-8 -*-
# Copyright (c) 2026 quaytools.tags contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

"""The repository listing, GET /api/v1/repository?namespace=...|public=true|starred=true.

Pages of 100 in repository-id order (the emulator's ids follow the order repositories were added). A page with more
after it carries ``next_page``, an opaque value that differs on every call and holds the id to go on from: sent back
with another namespace it lists that namespace from that id on. A value it cannot read is ignored (first page).
What a caller sees is what its user may read, whatever the token's scopes; ``public=true`` adds every public
repository; anonymous callers see public repositories only with ``public=true``. Stars are not modelled (none).
"""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import base64
import json
import os
import weakref
from urllib.parse import parse_qsl

from .endpoint import Route
from .permissions import ROLES, SCOPE_ROLES, Caller, effective_role
from .responses import fr_json
from .settings import FALSE_STRINGS
from .texts import BAD_REQUEST

PAGE_SIZE = 100
REQUIRED = "namespace, starred or public are required for this API call"
UNKNOWN_KIND = "Unknown repository kind"
TOKEN_MARK = "quayemu-next-page"

# Repository ids of each State: assigned in the order repositories were added, never reused.
_IDS = weakref.WeakKeyDictionary()


def repository_ids(state):
    ids = _IDS.setdefault(state, {})
    for name in state.repositories:
        if name not in ids:
            ids[name] = len(ids) + 1
    return ids


def _arguments(query):
    args = {}
    for key, value in parse_qsl(query or "", keep_blank_values=True, errors="replace"):
        args.setdefault(key, value)
    return args


def _flag(args, name):
    return name in args and args[name] not in FALSE_STRINGS


def encode_next_page(start_id):
    # Padded to a length that makes base64 end in "==", like Quay's Fernet tokens end in "=": callers must encode it.
    text = json.dumps({"m": TOKEN_MARK, "start_id": start_id, "n": base64.b16encode(os.urandom(4)).decode("ascii")})
    text += " " * ((1 - len(text)) % 3)
    return base64.urlsafe_b64encode(text.encode("utf-8")).decode("ascii")


def decode_next_page(value):
    try:
        data = json.loads(base64.urlsafe_b64decode(value.encode("ascii")).decode("utf-8"))
    except (ValueError, UnicodeError, TypeError):
        return None
    if not isinstance(data, dict) or data.get("m") != TOKEN_MARK or not isinstance(data.get("start_id"), int):
        return None
    return data["start_id"]


def _visible(model, caller, repo, public):
    if public and repo.public:
        return True
    if caller.user is None:
        return False
    # The token's scopes do not narrow the listing: the user's own role decides.
    unscoped = Caller(caller.token, {"user": caller.user, "scopes": list(SCOPE_ROLES)})
    return effective_role(model.state.namespaces, unscoped, repo.namespace, repo) >= ROLES["read"]


def _last_modified(repo):
    starts = [row.start_ms for row in repo.rows]
    return max(starts) // 1000 if starts else None


def item(repo, last_modified, popularity):
    data = {"namespace": repo.namespace, "name": repo.name, "description": repo.description, "is_public": repo.public,
            "kind": "image", "state": repo.state.upper()}
    if last_modified:
        data["last_modified"] = _last_modified(repo)
    if popularity:
        data["popularity"] = 0.0
    data["is_starred"] = False
    return data


def list_repositories(model, request):
    """GET /api/v1/repository: one page of the repositories the caller may see."""
    caller, headers = request.caller, request.headers
    args = _arguments(request.query)
    namespace = args.get("namespace") or None
    public = _flag(args, "public")
    starred = _flag(args, "starred")
    if namespace is None and not public and not starred:
        return model.invalid_request(REQUIRED, headers)
    if args.get("repo_kind", "image") != "image":
        return fr_json(400, {"message": UNKNOWN_KIND})
    if starred and caller.user is None:
        return fr_json(400, {"message": BAD_REQUEST})
    start_id = decode_next_page(args["next_page"]) if args.get("next_page") else None
    ids = repository_ids(model.state)
    page = []
    more = None
    for name, repo in model.state.repositories.items():
        repo_id = ids[name]
        if start_id is not None and repo_id < start_id:
            continue
        if namespace is not None and repo.namespace != namespace:
            continue
        if starred or not _visible(model, caller, repo, public):
            continue
        if len(page) == PAGE_SIZE:
            more = repo_id
            break
        page.append(repo)
    data = {"repositories": [item(repo, _flag(args, "last_modified"), _flag(args, "popularity")) for repo in page]}
    if more is not None:
        data["next_page"] = encode_next_page(more)
    return fr_json(200, data)


ROUTES = (
    Route(("GET", "HEAD", "OPTIONS"), r"/api/v1/repository", list_repositories),
)
