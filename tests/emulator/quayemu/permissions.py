# -*- coding: utf-8 -*-
# Copyright (c) 2026 quaytools.tags contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

"""Permission rules: who a bearer token is, which repository role it has, and what a role allows.

The effective role on a repository is the smaller of the user's role (namespace owners are admins; others have what
the repository grants them) and the cap of the token's scopes. Public repositories are readable by anyone.
"""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

ROLES = {"read": 1, "write": 2, "admin": 3}
SCOPE_ROLES = {"repo:read": 1, "repo:write": 2, "repo:admin": 3}


class Caller:
    """Who is asking: the token's user and the highest repository role its scopes allow."""

    __slots__ = ("token", "user", "scopes", "cap")

    def __init__(self, token=None, info=None):
        self.token = token if info else None
        self.user = info["user"] if info else None
        self.scopes = list(info["scopes"]) if info else []
        self.cap = max([SCOPE_ROLES.get(scope, 0) for scope in self.scopes] or [0])


def caller_of(tokens, headers):
    """The Caller of a request: its ``Authorization: Bearer <token>`` looked up in ``tokens``; anonymous otherwise."""
    value = headers.get("Authorization") or ""
    parts = [part for part in value.split(" ") if part]
    if len(parts) != 2 or parts[0].lower() != "bearer":
        return Caller()
    info = tokens.get(parts[1])
    return Caller(parts[1], info) if info else Caller()


def effective_role(namespaces, caller, namespace, repo):
    """Effective repository role: min(user's role, token scope cap). Public repositories are readable by anyone."""
    if caller.user is None:
        return 0
    owners = namespaces.get(namespace, {}).get("owners", [])
    if caller.user in owners or caller.user == namespace:
        user_role = ROLES["admin"]
    elif repo is not None:
        user_role = ROLES.get(repo.permissions.get(caller.user), 0)
    else:
        user_role = 0
    return min(user_role, caller.cap)


def allows(role, need, repo):
    """Whether a role meets an endpoint's need ("read", "write" or "admin"); anyone may read a public repository."""
    return (role >= ROLES[need]) or (need == "read" and repo is not None and repo.public)
