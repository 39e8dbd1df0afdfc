# -*- coding: utf-8 -*-
# Copyright (c) 2026 quaytools.tags contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

"""Seeds: loading the JSON world (config, tokens, namespaces, repositories, generated tags) into a State.

The seed format is documented in docs/developing.md.
"""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import copy
import hashlib
import json
import os
import re
import uuid

from .model import Manifest, Repository, Row, SeedError
from .policies import PolicyStore
from .permissions import ROLES
from .settings import DEFAULT_CONFIG, DEFAULT_TIME_MACHINE_S, REPO_STATES, TEMP_TAG_SECONDS

# A seed time below this many seconds is relative to the load instant; above it, epoch seconds.
RELATIVE_LIMIT_S = 1e9
REPOSITORY_RE = re.compile(r"[^/]+(?:/[^/]+)+")


def load_seed(seed):
    """A seed given as a dict, a JSON string or a path, returned as a (deep-copied) dict."""
    if seed is None:
        return {}
    if isinstance(seed, dict):
        return copy.deepcopy(seed)
    if isinstance(seed, (str, os.PathLike)):
        with open(seed, "r", encoding="utf-8") as handle:
            data = json.load(handle)
        if not isinstance(data, dict):
            raise SeedError("seed %s: the top level must be a JSON object" % seed)
        return data
    raise SeedError("seed must be a dict or a path, not %s" % type(seed).__name__)


def _seed_time(value, load_ms, what):
    if value is None:
        return None
    if isinstance(value, bool) or not isinstance(value, (int, float)):
        raise SeedError("%s: a time must be a number of epoch seconds, not %r" % (what, value))
    if abs(value) < RELATIVE_LIMIT_S:
        return load_ms + int(round(value * 1000))
    return int(round(value * 1000))


def _generated_digest(repo_name, index):
    return "sha256:" + hashlib.sha256(("%s#manifest-%d" % (repo_name, index)).encode("utf-8")).hexdigest()


class State:
    """Everything a seed describes, built at a given instant."""

    def __init__(self, seed, load_ms):
        self.config = dict(DEFAULT_CONFIG)
        for key, value in (seed.get("config") or {}).items():
            if key == "clock" or key.startswith("_"):
                continue
            if key not in DEFAULT_CONFIG:
                raise SeedError("config: unknown key %r (known: %s)" % (key, ", ".join(sorted(DEFAULT_CONFIG))))
            self.config[key] = value
        self.tokens = {}
        for token, info in (seed.get("tokens") or {}).items():
            if not isinstance(info, dict) or not info.get("user"):
                raise SeedError("token %r: needs {\"user\": ..., \"scopes\": [...]}" % token)
            self.tokens[token] = {"user": info["user"], "scopes": list(info.get("scopes") or [])}
        self.namespaces = {}
        for name, info in (seed.get("namespaces") or {}).items():
            info = info or {}
            self.namespaces[name] = {
                "owners": list(info.get("owners") or []),
                "time_machine_s": info.get("time_machine_s", DEFAULT_TIME_MACHINE_S),
                "organization": bool(info.get("organization", name not in (info.get("owners") or []))),
            }
        self.repositories = {}
        for full_name, info in (seed.get("repositories") or {}).items():
            self._add_repository(full_name, info or {}, load_ms)
        for spec in seed.get("generate") or []:
            self._generate(spec, load_ms)
        self.policies = PolicyStore.from_seed(seed.get("policies"))

    def namespace(self, name):
        if name not in self.namespaces:
            self.namespaces[name] = {"owners": [name], "time_machine_s": DEFAULT_TIME_MACHINE_S, "organization": False}
        return self.namespaces[name]

    def _new_repository(self, full_name, info):
        if "/" not in full_name or not REPOSITORY_RE.fullmatch(full_name):
            raise SeedError("repository %r: the name must be namespace/name" % full_name)
        namespace = full_name.split("/", 1)[0]
        state = info.get("state", "normal")
        if state not in REPO_STATES:
            raise SeedError("repository %s: state must be one of %s" % (full_name, ", ".join(REPO_STATES)))
        for user, role in (info.get("permissions") or {}).items():
            if role not in ROLES:
                raise SeedError("repository %s: permission %r for %s must be read, write or admin" % (full_name, role, user))
        repo = Repository(full_name, namespace, public=bool(info.get("public", False)), state=state,
                          permissions=info.get("permissions"), description=info.get("description"),
                          window_s=self.namespace(namespace)["time_machine_s"])
        self.repositories[full_name] = repo
        return repo

    def _add_repository(self, full_name, info, load_ms):
        repo = self._new_repository(full_name, info)
        for item in info.get("manifests") or []:
            if not isinstance(item, dict) or not isinstance(item.get("digest"), str):
                raise SeedError("repository %s: a manifest needs a \"digest\"" % full_name)
            platform = item.get("platform")
            if platform is not None and not (isinstance(platform, dict) and isinstance(platform.get("os"), str)
                                             and isinstance(platform.get("architecture"), str)):
                raise SeedError("repository %s: manifest %s: platform needs \"os\" and \"architecture\""
                                % (full_name, item["digest"]))
            repo.add_manifest(Manifest(item["digest"], item.get("size"), item.get("children"), item.get("media_type"),
                                       item.get("labels"), item.get("schema1_tag"), platform))
        rows = []
        for item in info.get("tags") or []:
            what = "repository %s, tag %r" % (full_name, item.get("name"))
            if not isinstance(item.get("name"), str) or not item["name"]:
                raise SeedError("repository %s: a tag needs a \"name\"" % full_name)
            if item.get("manifest") not in repo.manifests:
                raise SeedError("%s: manifest %r is not among the repository's manifests" % (what, item.get("manifest")))
            start = _seed_time(item.get("start", 0), load_ms, what)
            rows.append(Row(item["name"], item["manifest"], start, _seed_time(item.get("end"), load_ms, what),
                            bool(item.get("reversion", False)), bool(item.get("immutable", False)), bool(item.get("hidden", False))))
        # A pushed manifest that no tag keeps is pinned by a temporary tag, as a push leaves it.
        kept = set(row.manifest for row in rows)
        for digest in list(kept):
            kept.update(repo.manifests[digest].children or ())
        for digest in repo.manifests:
            if digest not in kept:
                rows.append(Row("$temp-%s" % uuid.uuid4(), digest, load_ms, load_ms + TEMP_TAG_SECONDS * 1000, hidden=True))
        repo.load_rows(rows, load_ms)

    def _generate(self, spec, load_ms):
        full_name = spec.get("repository")
        count = int(spec.get("tags", 0))
        history = int(spec.get("history", 0))
        manifests = max(1, int(spec.get("manifests", 10)))
        prefix = spec.get("prefix", "tag-")
        if not isinstance(full_name, str):
            raise SeedError("generate: needs \"repository\"")
        repo = self.repositories.get(full_name) or self._new_repository(full_name, spec)
        digests = []
        for index in range(manifests):
            digest = _generated_digest(full_name, index)
            digests.append(digest)
            repo.add_manifest(Manifest(digest, 1000 + (index * 7919) % 900000))
        rows = list(repo.rows) + list(repo.hidden)
        # Alive tags one second apart, the newest a second before the load; history rows are the earlier lives of
        # those names, one hour each, the newest ending where the alive row starts (as a move leaves them).
        for index in range(count):
            start = load_ms - (count - index) * 1000
            rows.append(Row("%s%05d" % (prefix, index), digests[index % manifests], start))
        for index in range(history if count else 0):
            tag_index = index % count
            generation = index // count + 1
            alive_start = load_ms - (count - tag_index) * 1000
            start = alive_start - generation * 3600000
            rows.append(Row("%s%05d" % (prefix, tag_index), digests[(tag_index + generation) % manifests], start,
                            start + 3600000))
        repo.load_rows(rows, load_ms)
