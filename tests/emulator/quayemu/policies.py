# -*- coding: utf-8 -*-
# Copyright (c) 2026 quaytools.tags contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

"""Tag policies as Quay keeps them: auto-prune and immutability policies per namespace and per repository, the
checks Quay makes on them, and what an immutability policy does to tags.

The HTTP side is policy_routes.py. Quay's rules (see tests/emulator/README.md, "Tag policies"):

- a namespace's policies are shared by the organization route and the user route; a repository's are its own;
- auto-prune: method ``number_of_tags`` (an integer above 0) or ``creation_date`` (a string Quay reads as
  int(value[:-1]) and a unit s, m, h, d, w or y, so ``-1d`` and ``0d`` pass); a ``tagPattern`` is trimmed, may not be
  empty, and is not checked as a regular expression; POST refuses an exact duplicate, PUT does not check;
- immutability: ``tagPattern`` required, trimmed, non-empty, at most 256 characters, must compile; one policy per
  pattern in a scope (POST and PUT); creating or updating one marks the scope's alive tags whose whole name matches
  (``tagPatternMatches: false``: does not match) immutable and clears their expiration; deleting one changes no tag;
  a tag created or moved later that matches is created immutable (tags_write.retarget asks ``makes_immutable``).
"""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import re
import uuid

from .model import SeedError

AUTOPRUNE = "autoprune"
IMMUTABILITY = "immutability"
METHODS = ("number_of_tags", "creation_date")
AGE_UNITS = "smhdwy"
MAX_PATTERN = 256

INVALID_METHOD = "Invalid method provided"
INVALID_VALUE = "Invalid value given for method type"
EMPTY_AUTOPRUNE_PATTERN = "tag_pattern cannot be empty"
DUPLICATE_AUTOPRUNE = "Existing policy with same values for this %s, duplicate policies are not permitted"
EMPTY_IMMUTABILITY_PATTERN = "tag_pattern is required and must be a non-empty string"
LONG_PATTERN = "tag_pattern must be 256 characters or less"
DUPLICATE_PATTERN = "A policy with the same tag_pattern already exists"


class PolicyError(ValueError):
    """A policy Quay refuses: 400 invalid_request with this text."""


def _age_ok(value):
    if not isinstance(value, str) or not value or value[-1] not in AGE_UNITS:
        return False
    try:
        int(value[:-1])
    except ValueError:
        return False
    return True


def _regex_error(pattern, error):
    """The text of Quay's regex error for the recorded cases (its engine counts the position at the end of the pattern
    for an unclosed group or set); other errors carry Python's re text."""
    text = str(error)
    if text.startswith("missing ), unterminated subpattern"):
        return "missing ) at position %d" % len(pattern)
    if text.startswith("unterminated character set"):
        return "unterminated character set at position %d" % len(pattern)
    return text


def check_autoprune(data):
    """A validated auto-prune policy body (after the schema): the policy to store, without uuid."""
    method = data.get("method")
    value = data.get("value")
    if method not in METHODS:
        raise PolicyError(INVALID_METHOD)
    if method == "number_of_tags":
        if not isinstance(value, int) or isinstance(value, bool) or value <= 0:
            raise PolicyError(INVALID_VALUE)
    elif not _age_ok(value):
        raise PolicyError(INVALID_VALUE)
    pattern = data.get("tagPattern")
    if pattern is not None:
        pattern = pattern.strip()
        if not pattern:
            raise PolicyError(EMPTY_AUTOPRUNE_PATTERN)
    return {"method": method, "value": value, "tagPattern": pattern, "tagPatternMatches": data.get("tagPatternMatches", True)}


def check_immutability(data):
    """A validated immutability policy body (after the schema): the policy to store, without uuid."""
    pattern = (data.get("tagPattern") or "").strip()
    if not pattern:
        raise PolicyError(EMPTY_IMMUTABILITY_PATTERN)
    if len(pattern) > MAX_PATTERN:
        raise PolicyError(LONG_PATTERN)
    try:
        re.compile(pattern)
    except re.error as error:
        raise PolicyError("Invalid regex pattern: %s" % _regex_error(pattern, error))
    return {"tagPattern": pattern, "tagPatternMatches": data.get("tagPatternMatches", True)}


class PolicyStore:
    """Every policy of the emulated server, by kind and scope (``("namespace", name)`` or ``("repository", full)``)."""

    def __init__(self):
        self.scopes = {AUTOPRUNE: {}, IMMUTABILITY: {}}

    @classmethod
    def from_seed(cls, items):
        """Seed ``policies``: ``[{"kind": "autoprune"|"immutability", "namespace": ns | "repository": ns/name, "uuid"?,
        "method"?, "value"?, "tagPattern"?, "tagPatternMatches"?}]``, stored as given (seeded policies mark no tag)."""
        store = cls()
        for item in items or []:
            kind = item.get("kind") if isinstance(item, dict) else None
            if kind not in (AUTOPRUNE, IMMUTABILITY) or ("namespace" in item) == ("repository" in item):
                raise SeedError("policies: each needs kind (autoprune or immutability) and one of namespace or repository")
            scope = ("namespace", item["namespace"]) if "namespace" in item else ("repository", item["repository"])
            policy = {"uuid": item.get("uuid") or str(uuid.uuid4())}
            fields = ("method", "value", "tagPattern", "tagPatternMatches") if kind == AUTOPRUNE else ("tagPattern", "tagPatternMatches")
            for field in fields:
                policy[field] = item.get(field)
            store.policies(kind, scope).append(policy)
        return store

    def policies(self, kind, scope):
        """The list of one scope (created empty), in creation order."""
        return self.scopes[kind].setdefault(scope, [])

    def find(self, kind, scope, policy_uuid):
        for policy in self.policies(kind, scope):
            if policy["uuid"] == policy_uuid:
                return policy
        return None

    def create(self, kind, scope, policy):
        """Store a checked policy under a new uuid; PolicyError for a duplicate Quay refuses."""
        existing = self.policies(kind, scope)
        if kind == AUTOPRUNE:
            if any(dict(p, uuid=None) == dict(policy, uuid=None) for p in existing):
                raise PolicyError(DUPLICATE_AUTOPRUNE % ("repository" if scope[0] == "repository" else "namespace"))
        elif any(p["tagPattern"] == policy["tagPattern"] for p in existing):
            raise PolicyError(DUPLICATE_PATTERN)
        stored = dict([("uuid", str(uuid.uuid4()))] + list(policy.items()))
        existing.append(stored)
        return stored

    def update(self, kind, scope, stored, policy):
        """Replace every field of ``stored``; immutability patterns stay unique (auto-prune is not checked)."""
        if kind == IMMUTABILITY and any(p is not stored and p["tagPattern"] == policy["tagPattern"]
                                        for p in self.policies(kind, scope)):
            raise PolicyError(DUPLICATE_PATTERN)
        stored.update(policy)

    def delete(self, kind, scope, stored):
        self.policies(kind, scope).remove(stored)

    def makes_immutable(self, repo, name):
        """Whether an immutability policy of the repository or of its namespace covers a tag name."""
        for scope in (("repository", repo.full_name), ("namespace", repo.namespace)):
            for policy in self.scopes[IMMUTABILITY].get(scope, ()):
                if covers(policy, name):
                    return True
        return False


def covers(policy, name):
    """An immutability policy covers a name its pattern matches as a whole (or, with tagPatternMatches false, not)."""
    matches = policy.get("tagPatternMatches") is not False
    return bool(re.fullmatch(policy["tagPattern"], name)) == matches


def lock_tags(model, scope, policy):
    """What creating or updating an immutability policy does: every alive tag of the scope it covers becomes
    immutable, its expiration cleared (unless immutable tags may expire). Returns the names it locked."""
    now = model.now_ms()
    can_expire = bool(model.state.config.get("immutable_tags_can_expire"))
    if scope[0] == "repository":
        repos = [model.state.repositories[scope[1]]] if scope[1] in model.state.repositories else []
    else:
        repos = [repo for repo in model.state.repositories.values() if repo.namespace == scope[1]]
    locked = []
    for repo in repos:
        changed = False
        for name, row in list(repo.current.items()):
            if not row.alive(now) or row.immutable or not covers(policy, name):
                continue
            row.immutable = True
            if not can_expire:
                row.end_ms = None
            locked.append("%s:%s" % (repo.full_name, name))
            changed = True
        if changed:
            repo.changed()
    return locked
