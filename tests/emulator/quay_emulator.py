#!/usr/bin/env python
# -*- coding: utf-8 -*-
# Copyright (c) 2026 quaytools.tags contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

"""A stateful emulator of Project Quay's repository-tag REST API (standard library only).

It answers the four tag endpoints (list, change, delete, restore) the way a real Quay server of
commit ffba0c70 does, down to status codes, body shapes, key order and content types, as documented
in shared/quay-api.md and recorded in shared/quay-transcripts.md. A control interface under
``/_emulator/`` resets state, reads the request log and injects faults.

Run it::

    python tests/emulator/quay_emulator.py --seed tests/emulator/seeds/demo.json --port 0

or import it (``tests/emulator`` on ``sys.path``)::

    emu = Emulator(seed="tests/emulator/seeds/demo.json").start()
    ...
    emu.stop()

The contract (CLI, Python API, control interface, fault rules, seed format) is docs/developing.md.
"""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import argparse
import bisect
import calendar
import copy
import datetime
import email.utils
import hashlib
import json
import os
import pprint
import re
import signal
import socket
import ssl
import sys
import threading
import time
import traceback
import uuid
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import parse_qsl, quote_plus, unquote

# ---------------------------------------------------------------------------------------------------------------------
# Constants: texts and limits taken from the Quay server (see shared/quay-api.md)
# ---------------------------------------------------------------------------------------------------------------------

TAG_REGEX = re.compile(r"^[\w][\w.-]{0,127}$", re.ASCII)
TAG_ERROR = 'Invalid tag: must match [A-Za-z0-9_.-], NOT start with "." or "-", and can contain 1-128 characters'
BAD_REQUEST = "The browser (or proxy) sent a request that this server could not understand."
UNSUPPORTED_MEDIA_TYPE = "Did not attempt to load JSON data because the request Content-Type was not 'application/json'."
METHOD_NOT_ALLOWED = "The method is not allowed for the requested URL."
NOT_FOUND_PAGE = "The requested URL was not found on the server. If you entered the URL manually please check your spelling and try again."
FILTER_ERROR = "Unsupported syntax for filter_tag_name. Expected <operation>:<tag_name> where <operation>can be 'like' or 'eq'."
CSRF_ERROR = "CSRF token was invalid or missing."
ANONYMOUS_ERROR = "Anonymous access is not allowed"
XHR_ERROR = "API calls must be invoked with an X-Requested-With header if called from a browser"
READONLY_MESSAGE = "System is currently read-only. Pulls will succeed but all write operations are currently suspended."
NON_NORMAL_MESSAGE = "Repository is in read only or mirror mode: %d"
IMMUTABLE_EXPIRATION = "Cannot set expiration on immutable tag '%s'"
IMMUTABLE_WITH_EXPIRY = ("Cannot make tag '%s' immutable: tag has expiration set. Clear expiration first or enable "
                         "FEATURE_IMMUTABLE_TAGS_CAN_EXPIRE.")
IMMUTABLE_OVERWRITE = "Cannot overwrite immutable tag '%s'"
IMMUTABLE_DELETE = "Cannot delete immutable tag '%s'"
QUERY_HELP = {
    "page": "Page index for the results. Default 1.",
    "limit": "Limit to the number of results to return per page. Max 100.",
}
INTERNAL_ERROR_PAGE = (
    "\n  <html>\n    <head>\n      <title>Internal Server Error</title>\n    </head>\n    <body>\n"
    "      <h1><p>Internal Server Error</p></h1>\n      \n    </body>\n  </html>\n"
)

TEMP_TAG_SECONDS = 300
DEFAULT_TIME_MACHINE_S = 1209600
DEFAULT_EXPIRATION_MIN_S = 3600
DEFAULT_EXPIRATION_MAX_S = 104 * 7 * 86400
RELATIVE_LIMIT_S = 1e9
MAX_LOGGED_REQUESTS = 100000

# RepositoryState numbers as printed by "%s" on Python >= 3.11.
REPO_STATES = {"normal": 0, "read_only": 1, "mirror": 2}
ROLES = {"read": 1, "write": 2, "admin": 3}
SCOPE_ROLES = {"repo:read": 1, "repo:write": 2, "repo:admin": 3}
FALSE_STRINGS = frozenset(["false", "False", "FALSE", "0", "", "null"])
COSIGN_SUFFIXES = (".sig", ".att", ".sbom")
DURATION_RE = re.compile(r"^(\d+)([smhdw])$")
DURATION_UNITS = {"s": 1, "m": 60, "h": 3600, "d": 86400, "w": 604800}
BROWSER_RE = re.compile(r"^Mozilla/\d")
BOT_RE = re.compile(r"bot|crawl|spider", re.IGNORECASE)

DEFAULT_CONFIG = {
    "immutable_tags": False,
    "immutable_tags_can_expire": False,
    "registry_readonly": False,
    "anonymous_access": True,
    "browser_xhr_only": True,
    "server_hostname": None,
    "expiration_minimum_s": DEFAULT_EXPIRATION_MIN_S,
    "expiration_maximum_s": DEFAULT_EXPIRATION_MAX_S,
}
BOOL_CONFIG = ("immutable_tags", "immutable_tags_can_expire", "registry_readonly", "anonymous_access", "browser_xhr_only")

# JSON schemas of the request bodies, in Quay's key order (the order decides which error is reported first).
CHANGE_TAG_SCHEMA = {
    "type": "object",
    "description": "Makes changes to a specific tag",
    "properties": {
        "manifest_digest": {
            "type": ["string", "null"],
            "description": "(If specified) The manifest digest to which the tag should point",
        },
        "expiration": {
            "type": ["number", "null"],
            "description": "(If specified) The expiration for the image",
        },
        "immutable": {
            "type": "boolean",
            "description": "(If specified) Whether the tag should be immutable. Write permission required to set, "
                           "admin permission required to unset.",
        },
    },
}
RESTORE_TAG_SCHEMA = {
    "type": "object",
    "description": "Restores a tag to a specific image",
    "properties": {
        "manifest_digest": {
            "type": "string",
            "description": "If specified, the manifest digest that should be used",
        },
    },
}
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

LIST_RE = re.compile(r"([^/]+(?:/[^/]+)+)/tag/")
SLASHLESS_LIST_RE = re.compile(r"([^/]+(?:/[^/]+)+)/tag")
TAG_RE = re.compile(r"([^/]+(?:/[^/]+)+)/tag/([^/]+)")
RESTORE_RE = re.compile(r"([^/]+(?:/[^/]+)+)/tag/([^/]+)/restore")
REPOSITORY_RE = re.compile(r"[^/]+(?:/[^/]+)+")


class SeedError(ValueError):
    """A seed that cannot be loaded."""


# ---------------------------------------------------------------------------------------------------------------------
# Responses
# ---------------------------------------------------------------------------------------------------------------------

class Response:
    """One HTTP answer: status, body bytes, content type, extra headers."""

    __slots__ = ("status", "body", "content_type", "headers", "close")

    def __init__(self, status, body=b"", content_type="application/json", headers=None, close=False):
        self.status = status
        self.body = body
        self.content_type = content_type
        self.headers = list(headers or [])
        self.close = close

    def json(self):
        """The body parsed as JSON (for tests)."""
        return json.loads(self.body.decode("utf-8")) if self.body else None


_DATES = {}


def format_date(seconds):
    """email.utils.formatdate (RFC 2822, "-0000"), memoised: listing pages format two dates a row."""
    text = _DATES.get(seconds)
    if text is None:
        if len(_DATES) > 100000:
            _DATES.clear()
        text = _DATES[seconds] = email.utils.formatdate(seconds)
    return text


def fr_json(status, data, headers=None):
    """A Flask-RESTful answer: json.dumps with default separators, then a newline."""
    return Response(status, (json.dumps(data) + "\n").encode("utf-8"), "application/json", headers)


def flask_jsonify(status, data):
    """A flask.jsonify answer (app-level error handlers): compact, sorted keys, then a newline."""
    text = json.dumps(data, separators=(",", ":"), sort_keys=True) + "\n"
    return Response(status, text.encode("utf-8"), "application/json")


def html_error(status, message):
    """util/http.py abort: a JSON body sent as text/html, without a newline."""
    return Response(status, json.dumps({"error": message}).encode("utf-8"), "text/html; charset=utf-8")


def werkzeug_page(status, title, description):
    """Werkzeug's default HTML error page."""
    text = "<!doctype html>\n<html lang=en>\n<title>%d %s</title>\n<h1>%s</h1>\n<p>%s</p>\n" % (status, title, title, description)
    return Response(status, text.encode("utf-8"), "text/html; charset=utf-8")


def redirect_page(location):
    """Werkzeug's 308 redirect answer."""
    escaped = location.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;").replace('"', "&quot;")
    text = ("<!doctype html>\n<html lang=en>\n<title>Redirecting...</title>\n<h1>Redirecting...</h1>\n"
            "<p>You should be redirected automatically to the target URL: "
            '<a href="%s">%s</a>. If not, click the link.\n') % (escaped, escaped)
    return Response(308, text.encode("utf-8"), "text/html; charset=utf-8", [("Location", location)])


def internal_error():
    """What gunicorn answers when the application raises."""
    return Response(500, INTERNAL_ERROR_PAGE.encode("utf-8"), "text/html", close=True)


class ApiError(Exception):
    """An error answer, raised from deep inside a handler."""

    def __init__(self, response):
        super(ApiError, self).__init__(response.status)
        self.response = response


# ---------------------------------------------------------------------------------------------------------------------
# A tiny jsonschema (3.2.0) work-alike: the subset Quay's tag schemas use, with the same error text
# ---------------------------------------------------------------------------------------------------------------------

def _is_type(instance, name):
    if name == "object":
        return isinstance(instance, dict)
    if name == "array":
        return isinstance(instance, list)
    if name == "string":
        return isinstance(instance, str)
    if name == "boolean":
        return isinstance(instance, bool)
    if name == "null":
        return instance is None
    if name == "number":
        return isinstance(instance, (int, float)) and not isinstance(instance, bool)
    if name == "integer":
        return isinstance(instance, int) and not isinstance(instance, bool)
    return False


def _schema_errors(instance, schema, path, schema_path):
    """Yield (message, validator, schema, instance, path, schema_path) in jsonschema's iteration order."""
    for keyword, value in schema.items():
        if keyword == "type":
            types = value if isinstance(value, list) else [value]
            if not any(_is_type(instance, t) for t in types):
                message = "%r is not of type %s" % (instance, ", ".join(repr(t) for t in types))
                yield message, "type", schema, instance, path, schema_path + ["type"]
        elif keyword == "required" and isinstance(instance, dict):
            for name in value:
                if name not in instance:
                    yield "%r is a required property" % name, "required", schema, instance, path, schema_path + ["required"]
        elif keyword == "properties" and isinstance(instance, dict):
            for name, subschema in value.items():
                if name in instance:
                    yield from _schema_errors(instance[name], subschema, path + [name], schema_path + ["properties", name])


def _format_index(parts):
    return "[%s]" % "][".join(repr(part) for part in parts) if parts else ""


def _indent(text):
    return "\n".join("    " + line for line in text.splitlines())


def schema_error(instance, schema):
    """The text str(best_match(...)) gives for the first, most relevant error, or None if the instance is valid."""
    best = None
    for error in _schema_errors(instance, schema, [], []):
        if best is None or -len(error[4]) > -len(best[4]):
            best = error
    if best is None:
        return None
    message, validator, subschema, value, path, schema_path = best
    return "%s\n\nFailed validating %r in schema%s:\n%s\n\nOn instance%s:\n%s" % (
        message, validator, _format_index(schema_path[:-1]), _indent(pprint.pformat(subschema, width=72)),
        _format_index(path), _indent(pprint.pformat(value, width=72)))


# ---------------------------------------------------------------------------------------------------------------------
# Model: manifests, tag rows, repositories
# ---------------------------------------------------------------------------------------------------------------------

class Manifest:
    """A manifest of one repository. ``children`` is a tuple for manifest lists / OCI indexes, else None."""

    __slots__ = ("digest", "size", "children", "media_type", "labels", "schema1_tag")

    def __init__(self, digest, size=None, children=None, media_type=None, labels=None, schema1_tag=None):
        self.digest = digest
        self.children = tuple(children) if children is not None else None
        self.size = None if self.children is not None else size
        self.media_type = media_type
        self.labels = dict(labels or {})
        self.schema1_tag = schema1_tag

    @property
    def is_list(self):
        return self.children is not None

    def to_dict(self):
        data = {"digest": self.digest, "size": self.size}
        if self.children is not None:
            data["children"] = list(self.children)
        if self.media_type:
            data["media_type"] = self.media_type
        if self.labels:
            data["labels"] = dict(self.labels)
        if self.schema1_tag is not None:
            data["schema1_tag"] = self.schema1_tag
        return data


class Row:
    """One tag row (one lifetime of a tag name). Times in epoch milliseconds."""

    __slots__ = ("name", "manifest", "start_ms", "end_ms", "reversion", "immutable", "hidden")

    def __init__(self, name, manifest, start_ms, end_ms=None, reversion=False, immutable=False, hidden=False):
        self.name = name
        self.manifest = manifest
        self.start_ms = start_ms
        self.end_ms = end_ms
        self.reversion = reversion
        self.immutable = immutable
        self.hidden = hidden

    def alive(self, now_ms):
        return self.end_ms is None or self.end_ms > now_ms


def _row_key(row):
    """Listing order: lifetime_start_ms DESC, name ASC."""
    return (-row.start_ms, row.name)


class Repository:
    """The state of one repository, indexed for fast paging and O(1) tag lookup.

    ``rows`` holds the visible rows already in listing order (newest first); ``by_name`` the visible rows of each name
    in the same order; ``current`` the newest row of each name that no write has ended (it may have expired since);
    ``by_digest`` the names whose current row points at a digest; ``hidden`` the ``$temp-`` rows.
    """

    def __init__(self, full_name, namespace, public=False, state="normal", permissions=None, description=None,
                 window_s=DEFAULT_TIME_MACHINE_S):
        self.full_name = full_name
        self.namespace = namespace
        self.name = full_name.split("/", 1)[1]
        self.public = public
        self.state = state
        self.permissions = dict(permissions or {})
        self.description = description
        self.window_ms = int(window_s * 1000)
        self.manifests = {}
        self.parents = {}
        self.rows = []
        self.hidden = []
        self.by_name = {}
        self.current = {}
        self.by_digest = {}
        self.version = 0
        self.next_gc_ms = None
        self.cache = {}

    # -- manifests ------------------------------------------------------------------------------------------------

    def add_manifest(self, manifest):
        self.manifests[manifest.digest] = manifest
        for child in manifest.children or ():
            self.parents.setdefault(child, set()).add(manifest.digest)

    def _rebuild_parents(self):
        self.parents = {}
        for manifest in self.manifests.values():
            for child in manifest.children or ():
                self.parents.setdefault(child, set()).add(manifest.digest)

    # -- rows -----------------------------------------------------------------------------------------------------

    def changed(self):
        self.version += 1
        self.cache.clear()

    def note_end(self, end_ms):
        if end_ms is not None:
            due = end_ms + self.window_ms
            if self.next_gc_ms is None or due < self.next_gc_ms:
                self.next_gc_ms = due

    def _set_current(self, row):
        old = self.current.get(row.name)
        if old is not None:
            self._forget_current(old)
        self.current[row.name] = row
        self.by_digest.setdefault(row.manifest, set()).add(row.name)

    def _forget_current(self, row):
        if self.current.get(row.name) is row:
            del self.current[row.name]
            names = self.by_digest.get(row.manifest)
            if names is not None:
                names.discard(row.name)
                if not names:
                    del self.by_digest[row.manifest]

    def insert_row(self, row):
        """Add a row (hidden or visible) keeping the listing order; new rows normally go on the newest end."""
        self.note_end(row.end_ms)
        if row.hidden:
            self.hidden.append(row)
            return
        key = _row_key(row)
        if not self.rows or key <= _row_key(self.rows[0]):
            self.rows.insert(0, row)
        else:
            self.rows.insert(bisect.bisect_left(self.rows, key, key=_row_key), row)
        same = self.by_name.setdefault(row.name, [])
        if not same or key <= _row_key(same[0]):
            same.insert(0, row)
        else:
            same.insert(bisect.bisect_left(same, key, key=_row_key), row)

    def load_rows(self, rows, now_ms):
        """Bulk load (seed): sort once, then index in one pass."""
        visible = [row for row in rows if not row.hidden]
        visible.sort(key=_row_key)
        by_name = {}
        current = {}
        by_digest = {}
        for row in visible:
            name = row.name
            same = by_name.get(name)
            if same is None:
                by_name[name] = [row]
            else:
                same.append(row)
            if row.end_ms is None or row.end_ms > now_ms:
                if name in current:
                    raise SeedError("repository %s: tag %r has more than one alive row" % (self.full_name, name))
                current[name] = row
                names = by_digest.get(row.manifest)
                if names is None:
                    by_digest[row.manifest] = set([name])
                else:
                    names.add(name)
        self.rows = visible
        self.hidden = [row for row in rows if row.hidden]
        self.by_name = by_name
        self.current = current
        self.by_digest = by_digest
        ends = [row.end_ms for row in rows if row.end_ms is not None]
        self.next_gc_ms = min(ends) + self.window_ms if ends else None
        self.changed()

    def alive_tag(self, name, now_ms):
        """The alive, visible row of a tag name (Quay's get_tag), or None."""
        row = self.current.get(name)
        if row is not None and row.alive(now_ms):
            return row
        return None

    def end_row(self, row, end_ms):
        row.end_ms = end_ms
        self._forget_current(row)
        self.note_end(end_ms)
        self.changed()

    def add_current(self, row):
        self.insert_row(row)
        self._set_current(row)
        self.changed()

    def referenced_alive(self, digest, now_ms):
        for name in self.by_digest.get(digest, ()):
            if self.current[name].alive(now_ms):
                return True
        return False

    # -- garbage collection -----------------------------------------------------------------------------------------

    def collect_garbage(self, now_ms):
        """Remove rows past the time machine and the manifests nothing keeps any more. Cheap when nothing is due."""
        if self.next_gc_ms is None or now_ms < self.next_gc_ms:
            return False
        cutoff = now_ms - self.window_ms

        def keep(row):
            return row.end_ms is None or row.end_ms > cutoff

        removed = [row for row in self.rows if not keep(row)]
        removed_hidden = [row for row in self.hidden if not keep(row)]
        self.next_gc_ms = None
        if removed:
            self.rows = [row for row in self.rows if keep(row)]
            gone = set(row.name for row in removed)
            for name in gone:
                same = [row for row in self.by_name.get(name, ()) if keep(row)]
                if same:
                    self.by_name[name] = same
                else:
                    self.by_name.pop(name, None)
            for row in removed:
                self._forget_current(row)
        if removed_hidden:
            self.hidden = [row for row in self.hidden if keep(row)]
        for row in self.rows:
            self.note_end(row.end_ms)
        for row in self.hidden:
            self.note_end(row.end_ms)
        if not removed and not removed_hidden:
            return False
        referenced = set(row.manifest for row in self.rows)
        referenced.update(row.manifest for row in self.hidden)
        keep_digests = set(referenced)
        for digest in referenced:
            manifest = self.manifests.get(digest)
            if manifest is not None and manifest.children:
                keep_digests.update(manifest.children)
        for digest in [digest for digest in self.manifests if digest not in keep_digests]:
            del self.manifests[digest]
        self._rebuild_parents()
        self.changed()
        return True


# ---------------------------------------------------------------------------------------------------------------------
# Seeds
# ---------------------------------------------------------------------------------------------------------------------

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
            repo.add_manifest(Manifest(item["digest"], item.get("size"), item.get("children"), item.get("media_type"),
                                       item.get("labels"), item.get("schema1_tag")))
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


# ---------------------------------------------------------------------------------------------------------------------
# The Quay API model
# ---------------------------------------------------------------------------------------------------------------------

class Caller:
    """Who is asking: the token's user and the highest repository role its scopes allow."""

    __slots__ = ("token", "user", "scopes", "cap")

    def __init__(self, token=None, info=None):
        self.token = token if info else None
        self.user = info["user"] if info else None
        self.scopes = list(info["scopes"]) if info else []
        self.cap = max([SCOPE_ROLES.get(scope, 0) for scope in self.scopes] or [0])


class QuayModel:
    """The emulated server: state plus request handling. Not thread-safe by itself (the Emulator holds a lock)."""

    def __init__(self, seed, listen_hostname="127.0.0.1:0", scheme="http"):
        self.seed = load_seed(seed)
        self.listen_hostname = listen_hostname
        self.scheme = scheme
        self.offset_ms = 0
        self.last_ms = 0
        self.state = None
        self.load(self.seed)

    # -- clock ------------------------------------------------------------------------------------------------------

    def real_ms(self):
        return int(time.time() * 1000) + self.offset_ms

    def now_ms(self):
        """The current time; never earlier than the last write."""
        return max(self.real_ms(), self.last_ms)

    def tick(self):
        """The instant of a write: strictly later than the previous write, so history order is deterministic."""
        self.last_ms = max(self.real_ms(), self.last_ms + 1)
        return self.last_ms

    def set_clock(self, epoch_s=None, advance_s=None):
        if epoch_s is not None:
            self.offset_ms = int(round(epoch_s * 1000)) - int(time.time() * 1000)
            self.last_ms = 0
        if advance_s is not None:
            self.offset_ms += int(round(advance_s * 1000))
        return self.now_ms() / 1000.0

    # -- state --------------------------------------------------------------------------------------------------------

    def load(self, seed):
        config = seed.get("config") or {}
        self.last_ms = 0
        self.offset_ms = 0
        if config.get("clock") is not None:
            self.set_clock(epoch_s=config["clock"])
        self.state = State(seed, self.now_ms())

    def reset(self, seed=None):
        self.load(self.seed if seed is None else load_seed(seed))

    @property
    def config(self):
        return self.state.config

    def set_config(self, values):
        for key, value in values.items():
            if key not in DEFAULT_CONFIG:
                raise ValueError("unknown config key %r (known: %s)" % (key, ", ".join(sorted(DEFAULT_CONFIG))))
            if key in BOOL_CONFIG and not isinstance(value, bool):
                raise ValueError("config %s must be true or false" % key)
            self.state.config[key] = value
        return dict(self.state.config)

    def hostname(self, headers=None):
        configured = self.state.config.get("server_hostname")
        if configured:
            return configured
        host = headers.get("Host") if headers is not None else None
        return host or self.listen_hostname

    def repository_dump(self, full_name):
        repo = self.state.repositories.get(full_name)
        if repo is None:
            return None
        now = self.now_ms()
        repo.collect_garbage(now)

        def row_dict(row):
            return {"name": row.name, "manifest": row.manifest, "start_ms": row.start_ms, "end_ms": row.end_ms,
                    "reversion": row.reversion, "immutable": row.immutable, "hidden": row.hidden,
                    "alive": row.alive(now), "current": repo.current.get(row.name) is row}

        ordered = sorted(repo.rows + repo.hidden, key=_row_key)
        return {
            "repository": full_name,
            "namespace": dict(self.state.namespace(repo.namespace)),
            "public": repo.public,
            "state": repo.state,
            "permissions": dict(repo.permissions),
            "description": repo.description,
            "now_ms": now,
            "manifests": [manifest.to_dict() for manifest in repo.manifests.values()],
            "tags": [row_dict(row) for row in ordered],
        }

    # -- helpers ----------------------------------------------------------------------------------------------------

    def api_error(self, status, error_type, detail, headers, payload=None):
        data = dict(payload or {})
        data["detail"] = detail
        data["error_message"] = detail
        data["error_type"] = error_type
        data["title"] = error_type
        data["type"] = "%s://%s/api/v1/error/%s" % (self.scheme, self.hostname(headers), error_type)
        data["status"] = status
        return fr_json(status, data)

    def not_found(self, headers):
        return self.api_error(404, "not_found", "Not Found", headers)

    def unauthorized(self, caller, headers):
        if caller.user is None:
            return self.api_error(401, "invalid_token", "Requires authentication", headers)
        return self.api_error(403, "insufficient_scope", "Unauthorized", headers)

    def invalid_request(self, detail, headers):
        return self.api_error(400, "invalid_request", detail, headers)

    def caller(self, headers):
        value = headers.get("Authorization") or ""
        parts = [part for part in value.split(" ") if part]
        if len(parts) != 2 or parts[0].lower() != "bearer":
            return Caller()
        info = self.state.tokens.get(parts[1])
        return Caller(parts[1], info) if info else Caller()

    def role(self, caller, namespace, repo):
        """Effective repository role: min(user's role, token scope cap). Public repositories are readable by anyone."""
        if caller.user is None:
            return 0
        owners = self.state.namespaces.get(namespace, {}).get("owners", [])
        if caller.user in owners or caller.user == namespace:
            user_role = ROLES["admin"]
        elif repo is not None:
            user_role = ROLES.get(repo.permissions.get(caller.user), 0)
        else:
            user_role = 0
        return min(user_role, caller.cap)

    def parse_json(self, body, content_type, schema, headers):
        """Flask's request.get_json() plus Quay's validate_json_request."""
        mimetype = (content_type or "").split(";", 1)[0].strip().lower()
        if not (mimetype == "application/json" or (mimetype.startswith("application/") and mimetype.endswith("+json"))):
            raise ApiError(fr_json(415, {"message": UNSUPPORTED_MEDIA_TYPE}))
        try:
            data = json.loads(body)
        except ValueError:
            raise ApiError(fr_json(400, {"message": BAD_REQUEST}))
        if data is None:
            raise ApiError(self.invalid_request("Missing JSON body", headers))
        message = schema_error(data, schema)
        if message is not None:
            raise ApiError(self.invalid_request(message, headers))
        return data

    # -- request entry point ----------------------------------------------------------------------------------------

    def handle(self, method, raw_path, query, headers, body):
        """Answer one /api request. ``headers`` needs .get(name) (case-insensitive), ``body`` is bytes."""
        try:
            return self._route(method, raw_path, query, headers, body)
        except ApiError as error:
            return error.response

    def _route(self, method, raw_path, query, headers, body):
        path = unquote(raw_path, errors="replace")
        if path == "/api/v1/user/":
            if method not in ("GET", "HEAD", "OPTIONS"):
                return fr_json(405, {"message": METHOD_NOT_ALLOWED}, [("Allow", "GET, HEAD, OPTIONS")])
            return self._pipeline(method, headers, "user", None, lambda caller: self._get_user(caller, headers))
        if path == "/api/v1/user" and method in ("GET", "HEAD", "OPTIONS"):
            return self._redirect(raw_path, query, headers)
        if not path.startswith("/api/v1/repository/"):
            return werkzeug_page(404, "Not Found", NOT_FOUND_PAGE)
        rest = path[len("/api/v1/repository/"):]
        allowed = set()
        match = RESTORE_RE.fullmatch(rest)
        if match:
            if method in ("POST", "OPTIONS"):
                return self._pipeline(method, headers, "write", match.group(1),
                                      lambda caller, repo: self._restore(caller, repo, match.group(1), match.group(2), body, headers))
            allowed.update(("POST", "OPTIONS"))
        match = TAG_RE.fullmatch(rest)
        if match:
            if method == "PUT":
                return self._pipeline(method, headers, "write", match.group(1),
                                      lambda caller, repo: self._change_tag(caller, repo, match.group(1), match.group(2), body, headers))
            if method in ("DELETE", "OPTIONS"):
                return self._pipeline(method, headers, "write", match.group(1),
                                      lambda caller, repo: self._delete_tag(repo, match.group(2), headers))
            allowed.update(("PUT", "DELETE", "OPTIONS"))
        match = LIST_RE.fullmatch(rest)
        if match:
            if method in ("GET", "HEAD", "OPTIONS"):
                return self._pipeline(method, headers, "read", match.group(1),
                                      lambda caller, repo: self._list_tags(repo, query, headers))
            allowed.update(("GET", "HEAD", "OPTIONS"))
        if SLASHLESS_LIST_RE.fullmatch(rest) and method in ("GET", "HEAD", "OPTIONS"):
            return self._redirect(raw_path, query, headers)
        if REPOSITORY_RE.fullmatch(rest):
            if method in ("GET", "HEAD", "OPTIONS"):
                return self._pipeline(method, headers, "read", rest,
                                      lambda caller, repo: self._get_repository(caller, repo, rest, query, headers))
            if method == "PUT":
                return self._pipeline(method, headers, "write", rest,
                                      lambda caller, repo: self._update_repository(repo, body, headers), state_check=False)
            if method == "DELETE":
                return self._pipeline(method, headers, "admin", rest,
                                      lambda caller, repo: self._delete_repository(rest, repo), state_check=False)
            allowed.update(("GET", "HEAD", "PUT", "DELETE", "OPTIONS"))
        if allowed:
            return fr_json(405, {"message": METHOD_NOT_ALLOWED}, [("Allow", ", ".join(sorted(allowed)))])
        return werkzeug_page(404, "Not Found", NOT_FOUND_PAGE)

    def _redirect(self, raw_path, query, headers):
        location = "%s://%s%s/" % (self.scheme, self.hostname(headers), raw_path)
        if query:
            location += "?" + query
        return redirect_page(location)

    def _pipeline(self, method, headers, need, repo_path, handler, state_check=True):
        """Quay's decorator chain, outermost first: browser XHR, OAuth, CSRF, registry read-only, repository name,
        anonymous access, permission, repository state; then the handler."""
        if method == "GET" and self.state.config.get("browser_xhr_only"):
            agent = headers.get("User-Agent") or ""
            if BROWSER_RE.match(agent) and not BOT_RE.search(agent) and headers.get("X-Requested-With") != "XMLHttpRequest":
                return html_error(400, XHR_ERROR)
        caller = self.caller(headers)
        if method not in ("GET", "HEAD") and caller.user is None:
            return html_error(403, CSRF_ERROR)
        if method not in ("GET", "HEAD", "OPTIONS") and self.state.config.get("registry_readonly"):
            return flask_jsonify(503, {"message": READONLY_MESSAGE, "is_readonly": True})
        if method == "OPTIONS":
            return fr_json(200, None)
        if repo_path is None:
            return handler(caller)
        namespace, name = repo_path.split("/", 1)
        full_name = "%s/%s" % (namespace, quote_plus(name, safe="/"))
        repo = self.state.repositories.get(full_name)
        if repo is not None:
            repo.collect_garbage(self.now_ms())
        if caller.user is None and not self.state.config.get("anonymous_access", True):
            return html_error(401, ANONYMOUS_ERROR)
        role = self.role(caller, namespace, repo)
        allowed = (role >= ROLES[need]) or (need == "read" and repo is not None and repo.public)
        if not allowed:
            return self.unauthorized(caller, headers)
        if state_check and method != "GET" and method != "HEAD" and repo is not None and repo.state != "normal":
            return fr_json(503, {"message": NON_NORMAL_MESSAGE % REPO_STATES[repo.state]})
        return handler(caller, repo)

    # -- GET .../tag/ -------------------------------------------------------------------------------------------------

    def _list_tags(self, repo, query, headers):
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
            return self.not_found(headers)
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
        now = self.now_ms()
        rows = self._filtered(repo, specific_tag or None, eq_name, like, active, now)
        offset = limit * (page - 1)
        window = rows[offset:offset + limit + 1]
        immutable = bool(self.state.config.get("immutable_tags"))
        return fr_json(200, {
            "tags": [self._tag_entry(repo, row, immutable) for row in window[:limit]],
            "page": page,
            "has_additional": len(window) > limit,
        })

    def _filtered(self, repo, specific, eq_name, like, active, now):
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

    @staticmethod
    def _tag_entry(repo, row, immutable):
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

    # -- PUT .../tag/<tag> --------------------------------------------------------------------------------------------

    def _change_tag(self, caller, repo, repo_path, tag, body, headers):
        data = self.parse_json(body, headers.get("Content-Type"), CHANGE_TAG_SCHEMA, headers)
        if not TAG_REGEX.match(tag):
            return fr_json(400, {"message": TAG_ERROR})
        if repo is None:
            return self.not_found(headers)
        config = self.state.config
        feature = bool(config.get("immutable_tags"))
        can_expire = bool(config.get("immutable_tags_can_expire"))
        now = self.now_ms()
        # Each step commits on its own: a later failure leaves the earlier steps applied.
        if "expiration" in data:
            row = repo.alive_tag(tag, now)
            if row is None:
                return self.not_found(headers)
            expiration = data["expiration"]
            new_end = None
            if expiration is not None:
                try:
                    when = datetime.datetime.fromtimestamp(float(expiration), datetime.timezone.utc)
                except ValueError:
                    return fr_json(400, {"message": BAD_REQUEST})
                except (OverflowError, OSError):
                    return internal_error()
                if when.timestamp() * 1000 <= now:
                    return fr_json(400, {"message": BAD_REQUEST})
                if feature and row.immutable and not can_expire:
                    return flask_jsonify(400, {"message": IMMUTABLE_EXPIRATION % tag})
                start_s = row.start_ms // 1000
                offset = calendar.timegm(when.utctimetuple()) - start_s
                offset = min(max(offset, config["expiration_minimum_s"]), config["expiration_maximum_s"])
                new_end = row.start_ms + int(offset * 1000)
            if new_end != row.end_ms:
                row.end_ms = new_end
                repo.note_end(new_end)
                repo.changed()
        if "immutable" in data and feature:
            row = repo.alive_tag(tag, now)
            if row is None:
                return self.not_found(headers)
            wanted = data["immutable"]
            if row.immutable and not wanted and self.role(caller, repo.namespace, repo) < ROLES["admin"]:
                return self.unauthorized(caller, headers)
            if wanted and not row.immutable and row.end_ms is not None and not can_expire:
                return fr_json(400, {"message": IMMUTABLE_WITH_EXPIRY % tag})
            if row.immutable != wanted:
                row.immutable = wanted
                repo.changed()
        if "manifest_digest" in data:
            digest = data["manifest_digest"]
            existing = repo.alive_tag(tag, now)
            manifest = self._lookup_alive_manifest(repo, digest, now)
            if manifest is None:
                return self.not_found(headers)
            self._pin(repo, manifest, now)
            if feature and existing is not None and existing.immutable:
                return self.api_error(409, "tag_immutable", IMMUTABLE_OVERWRITE % tag, headers)
            self._retarget(repo, tag, manifest, reversion=False)
        return fr_json(201, "Updated")

    @staticmethod
    def _lookup_alive_manifest(repo, digest, now):
        """lookup_manifest(allow_dead=False): referenced by an alive visible tag, or a child of a list that is."""
        manifest = repo.manifests.get(digest) if isinstance(digest, str) else None
        if manifest is None:
            return None
        if repo.referenced_alive(digest, now):
            return manifest
        for parent in repo.parents.get(digest, ()):
            if repo.referenced_alive(parent, now):
                return manifest
        return None

    @staticmethod
    def _pin(repo, manifest, now):
        """create_temporary_tag_if_necessary: a hidden $temp- row unless some row keeps the manifest 5 more minutes."""
        end = now + TEMP_TAG_SECONDS * 1000
        for name in repo.by_digest.get(manifest.digest, ()):
            row = repo.current[name]
            if row.end_ms is None or row.end_ms >= end:
                return
        for row in repo.hidden:
            if row.manifest == manifest.digest and (row.end_ms is None or row.end_ms >= end):
                return
        repo.insert_row(Row("$temp-%s" % uuid.uuid4(), manifest.digest, now, end, hidden=True))

    def _retarget(self, repo, tag, manifest, reversion):
        """End the alive row of the name (if any) and open a new one now."""
        if manifest.schema1_tag is not None and manifest.schema1_tag != tag:
            # Quay re-signs a schema1 manifest for another tag name: the tag ends up on a new digest.
            digest = "sha256:" + hashlib.sha256(("%s\n%s" % (manifest.digest, tag)).encode("utf-8")).hexdigest()
            if digest not in repo.manifests:
                repo.add_manifest(Manifest(digest, manifest.size, None, manifest.media_type, manifest.labels, tag))
            manifest = repo.manifests[digest]
        existing = repo.alive_tag(tag, self.now_ms())
        now = self.tick()
        config = self.state.config
        displaced = None
        if existing is not None:
            displaced = existing.manifest
            repo.end_row(existing, now)
        end = None
        expires_after = self._common_label(repo, manifest, "quay.expires-after")
        match = DURATION_RE.match(expires_after or "")
        if match:
            end = now + int(match.group(1)) * DURATION_UNITS[match.group(2)] * 1000
        immutable = False
        if config.get("immutable_tags") and (self._common_label(repo, manifest, "quay.immutable") or "").lower() == "true":
            immutable = True
            if not config.get("immutable_tags_can_expire"):
                end = None
        repo.add_current(Row(tag, manifest.digest, now, end, reversion, immutable))
        if displaced is not None:
            self._expire_cosign_siblings(repo, displaced, now)

    @staticmethod
    def _common_label(repo, manifest, key):
        """A label of the manifest, or one every child of a manifest list carries with the same value."""
        if key in manifest.labels:
            return manifest.labels[key]
        if manifest.children:
            values = set()
            for child in manifest.children:
                child_manifest = repo.manifests.get(child)
                if child_manifest is None or key not in child_manifest.labels:
                    return None
                values.add(child_manifest.labels[key])
            if len(values) == 1:
                return values.pop()
        return None

    @staticmethod
    def _expire_cosign_siblings(repo, digest, now):
        """Cosign sibling tags (sha256-<hex>.sig/.att/.sbom) die with the last alive tag of their manifest."""
        if not digest.startswith("sha256:") or repo.referenced_alive(digest, now):
            return
        prefix = "sha256-" + digest[len("sha256:"):]
        for suffix in COSIGN_SUFFIXES:
            row = repo.alive_tag(prefix + suffix, now)
            if row is not None:
                repo.end_row(row, now)

    # -- DELETE .../tag/<tag> -----------------------------------------------------------------------------------------

    def _delete_tag(self, repo, tag, headers):
        if repo is None:
            return self.not_found(headers)
        row = repo.alive_tag(tag, self.now_ms())
        if row is None:
            return self.not_found(headers)
        if self.state.config.get("immutable_tags") and row.immutable:
            return self.api_error(409, "tag_immutable", IMMUTABLE_DELETE % tag, headers)
        now = self.tick()
        repo.end_row(row, now)
        self._expire_cosign_siblings(repo, row.manifest, now)
        return Response(204, b"", "application/json")

    # -- POST .../tag/<tag>/restore -----------------------------------------------------------------------------------

    def _restore(self, caller, repo, repo_path, tag, body, headers):
        data = self.parse_json(body, headers.get("Content-Type"), RESTORE_TAG_SCHEMA, headers)
        if repo is None:
            return self.not_found(headers)
        digest = data.get("manifest_digest")
        if digest is None:
            return self.invalid_request("Missing manifest_digest", headers)
        manifest = repo.manifests.get(digest)
        if manifest is None:
            return self.not_found(headers)
        now = self.now_ms()
        self._pin(repo, manifest, now)
        existing = repo.alive_tag(tag, now)
        if self.state.config.get("immutable_tags") and existing is not None and existing.immutable:
            return self.api_error(409, "tag_immutable", IMMUTABLE_OVERWRITE % tag, headers)
        self._retarget(repo, tag, manifest, reversion=True)
        return fr_json(200, {})

    # -- the repository resource (where GET .../tag/<name> and encoded slashes end up) --------------------------------

    def _get_repository(self, caller, repo, repo_path, query, headers):
        if repo is None:
            return self.not_found(headers)
        include_tags = True
        for key, value in parse_qsl(query or "", keep_blank_values=True, errors="replace"):
            if key == "includeTags":
                include_tags = value not in FALSE_STRINGS
                break
        namespace = self.state.namespace(repo.namespace)
        role = self.role(caller, repo.namespace, repo)
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
            now = self.now_ms()
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

    def _update_repository(self, repo, body, headers):
        data = self.parse_json(body, headers.get("Content-Type"), REPO_UPDATE_SCHEMA, headers)
        if repo is None:
            return self.not_found(headers)
        repo.description = data["description"]
        return fr_json(200, {"success": True})

    def _delete_repository(self, full_name, repo):
        # mark_repository_for_deletion returns None for a missing repository and the endpoint answers 204 anyway.
        if repo is not None:
            del self.state.repositories[repo.full_name]
        return Response(204, b"", "application/json")

    def _get_user(self, caller, headers):
        if caller.user is None or "user:read" not in caller.scopes:
            return self.api_error(401, "invalid_token", "Requires authentication", headers, {"session_required": False})
        return fr_json(200, {"anonymous": False, "username": caller.user, "verified": True})


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


# ---------------------------------------------------------------------------------------------------------------------
# Faults and the request log
# ---------------------------------------------------------------------------------------------------------------------

FAULT_ACTIONS = ("respond", "drop", "truncate", "delay")


class FaultRule:
    """One fault rule (see docs/developing.md)."""

    def __init__(self, spec):
        if not isinstance(spec, dict):
            raise ValueError("a fault rule must be a JSON object")
        unknown = set(spec) - set(["method", "path", "query", "count", "skip", "status", "body", "content_type",
                                   "headers", "delay", "action", "retry_after_date"])
        if unknown:
            raise ValueError("unknown fault rule keys: %s" % ", ".join(sorted(unknown)))
        self.spec = dict(spec)
        self.method = str(spec.get("method", "*")).upper()
        self.path = re.compile(spec.get("path") or "")
        self.query = re.compile(spec["query"]) if spec.get("query") is not None else None
        self.count = int(spec.get("count", 1))
        self.skip = int(spec.get("skip", 0))
        self.action = spec.get("action", "respond")
        if self.action not in FAULT_ACTIONS:
            raise ValueError("fault action must be one of %s" % ", ".join(FAULT_ACTIONS))
        self.delay = float(spec.get("delay", 1.0 if self.action == "delay" else 0.0))
        self.status = int(spec.get("status", 503))
        self.headers = [(str(key), str(value)) for key, value in (spec.get("headers") or {}).items()]
        # Retry-After as an HTTP-date this many seconds after the answer (wall clock), computed when the rule fires.
        self.retry_after_date = float(spec["retry_after_date"]) if spec.get("retry_after_date") is not None else None
        self.fired = 0
        if "body" in spec:
            body = spec["body"]
            if isinstance(body, str):
                self.body = body.encode("utf-8")
                default_type = "text/plain; charset=utf-8"
            else:
                self.body = json.dumps(body).encode("utf-8")
                default_type = "application/json"
        else:
            self.body = b""
            default_type = "application/json"
        self.content_type = spec.get("content_type") or default_type

    def matches(self, method, path, query):
        if self.method not in ("*", method):
            return False
        if self.path.search(path) is None:
            return False
        return self.query is None or self.query.search(query or "") is not None

    @property
    def exhausted(self):
        return self.count > 0 and self.fired >= self.count

    def response(self):
        headers = list(self.headers)
        if self.retry_after_date is not None:
            headers.append(("Retry-After", email.utils.formatdate(time.time() + self.retry_after_date, usegmt=True)))
        return Response(self.status, self.body, self.content_type, headers)

    def to_dict(self):
        data = dict(self.spec)
        data["remaining_skip"] = self.skip
        data["fired"] = self.fired
        return data


# ---------------------------------------------------------------------------------------------------------------------
# HTTP server
# ---------------------------------------------------------------------------------------------------------------------

class _Server(ThreadingHTTPServer):
    daemon_threads = True
    allow_reuse_address = True
    emulator = None
    ssl_context = None

    def __init__(self, address, handler, family):
        self.address_family = family
        self.connections = set()
        self.connections_lock = threading.Lock()
        ThreadingHTTPServer.__init__(self, address, handler)

    def finish_request(self, request, client_address):
        connection = request
        if self.ssl_context is not None:
            try:
                request.settimeout(30)
                connection = self.ssl_context.wrap_socket(request, server_side=True)
            except (ssl.SSLError, OSError):
                return
        with self.connections_lock:
            self.connections.add(connection)
        try:
            self.RequestHandlerClass(connection, client_address, self)
        finally:
            with self.connections_lock:
                self.connections.discard(connection)
            if connection is not request:
                try:
                    connection.close()
                except OSError:
                    pass

    def close_connections(self):
        with self.connections_lock:
            connections = list(self.connections)
        for connection in connections:
            try:
                connection.shutdown(socket.SHUT_RDWR)
            except OSError:
                pass

    def handle_error(self, request, client_address):
        if self.emulator is not None and self.emulator.verbose:
            ThreadingHTTPServer.handle_error(self, request, client_address)


class _Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    server_version = "QuayEmulator/1.0"
    sys_version = ""
    timeout = 120
    disable_nagle_algorithm = True

    def log_message(self, format, *args):  # pylint: disable=redefined-builtin
        if self.server.emulator.verbose:
            sys.stderr.write("%s - %s\n" % (self.address_string(), format % args))

    def do_GET(self):
        self._handle()

    do_HEAD = do_PUT = do_POST = do_DELETE = do_PATCH = do_OPTIONS = do_GET

    def _read_body(self):
        if "chunked" in (self.headers.get("Transfer-Encoding") or "").lower():
            chunks = []
            while True:
                size_line = self.rfile.readline(65537)
                size = int(size_line.split(b";", 1)[0].strip() or b"0", 16)
                if size == 0:
                    while self.rfile.readline(65537) not in (b"\r\n", b"\n", b""):
                        pass
                    break
                chunks.append(self.rfile.read(size))
                self.rfile.readline(65537)
            return b"".join(chunks)
        try:
            length = int(self.headers.get("Content-Length") or 0)
        except ValueError:
            length = 0
        return self.rfile.read(length) if length > 0 else b""

    def _handle(self):
        emulator = self.server.emulator
        method = self.command
        raw_path, dummy, query = self.path.partition("?")
        try:
            body = self._read_body()
        except (ValueError, OSError):
            self.close_connection = True
            return
        if raw_path == "/_emulator" or raw_path.startswith("/_emulator/"):
            self._send(emulator.control(method, raw_path, query, body), method)
            return
        rule = emulator.take_fault(method, raw_path, query)
        if rule is not None and rule.delay > 0:
            time.sleep(rule.delay)
        if rule is not None and rule.action == "respond":
            emulator.record(method, raw_path, query, rule.status, body, fault="respond")
            self._send(rule.response(), method)
            return
        if rule is not None and rule.action == "drop":
            emulator.record(method, raw_path, query, None, body, fault="drop")
            self.close_connection = True
            return
        response = emulator.api(method, raw_path, query, self.headers, body)
        fault = rule.action if rule is not None else None
        emulator.record(method, raw_path, query, response.status, body, fault=fault)
        self._send(response, method, truncate=(fault == "truncate"))

    def _send(self, response, method, truncate=False):
        try:
            self.send_response(response.status)
            self.send_header("Content-Type", response.content_type)
            if response.status != 204:
                self.send_header("Content-Length", str(len(response.body)))
            for key, value in response.headers:
                self.send_header(key, value)
            if response.close or truncate:
                self.send_header("Connection", "close")
                self.close_connection = True
            # Headers and body leave in one write (one TCP segment for small answers).
            self._headers_buffer.append(b"\r\n")
            if method != "HEAD" and response.status != 204:
                self._headers_buffer.append(response.body[:len(response.body) // 2] if truncate else response.body)
            self.flush_headers()
            self.wfile.flush()
        except OSError:
            self.close_connection = True


class Emulator:
    """The emulator: a QuayModel behind a threaded HTTP(S) server, plus the control interface.

    ``Emulator(seed=dict_or_path).start()`` serves on ``url`` until ``stop()``. Every control request of the HTTP
    interface has a Python twin here (``reset``, ``log``, ``clear_log``, ``add_faults``, ``clear_faults``, ``faults``,
    ``set_config``, ``config``, ``repository``, ``set_clock``, ``advance_clock``, ``now``).
    """

    def __init__(self, seed=None, host="127.0.0.1", port=0, tls_cert=None, tls_key=None, verbose=False):
        self.host = host
        self.port = port
        self.tls_cert = tls_cert
        self.tls_key = tls_key
        self.verbose = verbose
        self.scheme = "https" if tls_cert else "http"
        self.lock = threading.RLock()
        self.model = QuayModel(seed, scheme=self.scheme)
        self.rules = []
        self.requests = []
        self.counts = {}
        self.by_method = {}
        self.url = None
        self.server = None
        self.thread = None

    # -- life cycle -----------------------------------------------------------------------------------------------------

    @property
    def token(self):
        """The first token of the seed (the one printed at start-up), or None."""
        tokens = list(self.model.state.tokens)
        return tokens[0] if tokens else None

    @property
    def tokens(self):
        """Every token of the current seed: {token: {"user": ..., "scopes": [...]}}."""
        return copy.deepcopy(self.model.state.tokens)

    def start(self):
        family = socket.AF_INET6 if ":" in self.host else socket.AF_INET
        server = _Server((self.host, self.port), _Handler, family)
        server.emulator = self
        if self.tls_cert:
            context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
            context.load_cert_chain(self.tls_cert, self.tls_key)
            server.ssl_context = context
        self.server = server
        self.port = server.server_address[1]
        shown_host = "[%s]" % self.host if family == socket.AF_INET6 else self.host
        self.url = "%s://%s:%d" % (self.scheme, shown_host, self.port)
        self.model.listen_hostname = "%s:%d" % (shown_host, self.port)
        self.thread = threading.Thread(target=server.serve_forever, kwargs={"poll_interval": 0.05}, name="quay-emulator")
        self.thread.daemon = True
        self.thread.start()
        return self

    def stop(self):
        if self.server is None:
            return
        self.server.shutdown()
        self.server.close_connections()
        self.server.server_close()
        self.thread.join(5)
        self.server = None

    def __enter__(self):
        return self.start() if self.server is None else self

    def __exit__(self, *exc_info):
        self.stop()

    def info(self):
        return {"url": self.url, "token": self.token, "pid": os.getpid()}

    # -- API ------------------------------------------------------------------------------------------------------------

    def api(self, method, raw_path, query, headers, body):
        with self.lock:
            try:
                return self.model.handle(method, raw_path, query, headers, body)
            except Exception:  # a bug of the emulator: answer like a crashing server, and say why
                traceback.print_exc()
                return internal_error()

    def take_fault(self, method, raw_path, query):
        """The fault rule that fires for this request, if any (rules that are still skipping let it through)."""
        with self.lock:
            for rule in self.rules:
                if rule.exhausted or not rule.matches(method, raw_path, query):
                    continue
                if rule.skip > 0:
                    rule.skip -= 1
                    continue
                rule.fired += 1
                return rule
        return None

    def record(self, method, raw_path, query, status, body, fault=None):
        logged_body = None
        if method not in ("GET", "HEAD") and body:
            try:
                logged_body = json.loads(body)
            except ValueError:
                logged_body = body.decode("utf-8", "replace")
        entry = {"method": method, "path": raw_path, "query": query, "status": status, "body": logged_body}
        if fault is not None:
            entry["fault"] = fault
        key = "%s %s" % (method, raw_path)
        with self.lock:
            self.requests.append(entry)
            if len(self.requests) > MAX_LOGGED_REQUESTS:
                del self.requests[0]
            self.counts[key] = self.counts.get(key, 0) + 1
            self.by_method[method] = self.by_method.get(method, 0) + 1

    # -- control (Python) -----------------------------------------------------------------------------------------------

    def reset(self, seed=None):
        with self.lock:
            self.model.reset(seed)
            self.rules = []
            self._clear_log()

    def log(self):
        with self.lock:
            return {"requests": copy.deepcopy(self.requests), "counts": dict(self.counts), "by_method": dict(self.by_method)}

    def _clear_log(self):
        self.requests = []
        self.counts = {}
        self.by_method = {}

    def clear_log(self):
        with self.lock:
            self._clear_log()

    def add_faults(self, rules):
        if isinstance(rules, dict):
            rules = [rules]
        parsed = [FaultRule(rule) for rule in rules]
        with self.lock:
            self.rules.extend(parsed)
            return len(self.rules)

    def clear_faults(self):
        with self.lock:
            self.rules = []

    def faults(self):
        with self.lock:
            return [rule.to_dict() for rule in self.rules]

    def set_config(self, **values):
        with self.lock:
            return self.model.set_config(values)

    @property
    def config(self):
        with self.lock:
            return dict(self.model.config)

    def repository(self, full_name):
        with self.lock:
            return self.model.repository_dump(full_name)

    def set_clock(self, epoch_s):
        with self.lock:
            return self.model.set_clock(epoch_s=epoch_s)

    def advance_clock(self, seconds):
        with self.lock:
            return self.model.set_clock(advance_s=seconds)

    def now(self):
        with self.lock:
            return self.model.now_ms() / 1000.0

    # -- control (HTTP) -------------------------------------------------------------------------------------------------

    def control(self, method, raw_path, query, body):
        path = unquote(raw_path, errors="replace")
        try:
            data = json.loads(body) if body.strip() else {}
        except ValueError:
            return fr_json(400, {"error": "the body is not JSON"})
        try:
            return self._control(method, path, data)
        except (ValueError, TypeError, re.error) as error:
            return fr_json(400, {"error": str(error)})

    def _control(self, method, path, data):
        if path == "/_emulator/health" and method in ("GET", "HEAD"):
            return fr_json(200, {"ok": True})
        if path == "/_emulator/reset" and method == "POST":
            self.reset(data.get("seed") if isinstance(data, dict) else None)
            return fr_json(200, {"ok": True})
        if path == "/_emulator/log":
            if method in ("GET", "HEAD"):
                return fr_json(200, self.log())
            if method == "DELETE":
                self.clear_log()
                return fr_json(200, {"ok": True})
        if path == "/_emulator/faults":
            if method in ("GET", "HEAD"):
                return fr_json(200, {"faults": self.faults()})
            if method == "POST":
                return fr_json(200, {"ok": True, "rules": self.add_faults(data)})
            if method == "DELETE":
                self.clear_faults()
                return fr_json(200, {"ok": True})
        if path == "/_emulator/config":
            if method in ("GET", "HEAD"):
                return fr_json(200, self.config)
            if method == "POST":
                if not isinstance(data, dict):
                    raise ValueError("the config body must be a JSON object")
                return fr_json(200, self.set_config(**data))
        if path == "/_emulator/clock":
            if method in ("GET", "HEAD"):
                return fr_json(200, {"now": self.now()})
            if method == "POST":
                if not isinstance(data, dict):
                    raise ValueError("the clock body must be a JSON object")
                if data.get("set") is not None:
                    self.set_clock(float(data["set"]))
                if data.get("advance") is not None:
                    self.advance_clock(float(data["advance"]))
                return fr_json(200, {"now": self.now()})
        if path.startswith("/_emulator/repository/") and method in ("GET", "HEAD"):
            dump = self.repository(path[len("/_emulator/repository/"):])
            if dump is None:
                return fr_json(404, {"error": "no such repository"})
            return fr_json(200, dump)
        return fr_json(404, {"error": "unknown control request %s %s" % (method, path)})


# ---------------------------------------------------------------------------------------------------------------------
# Command line
# ---------------------------------------------------------------------------------------------------------------------

def _write_state_file(path, line):
    directory = os.path.dirname(os.path.abspath(path))
    temporary = os.path.join(directory, ".%s.%d.tmp" % (os.path.basename(path), os.getpid()))
    with open(temporary, "w", encoding="utf-8") as handle:
        handle.write(line + "\n")
    os.replace(temporary, path)


def main(argv=None):
    parser = argparse.ArgumentParser(description="Quay tag-API emulator (see docs/developing.md).")
    parser.add_argument("--seed", required=True, help="seed JSON file")
    parser.add_argument("--host", default="127.0.0.1", help="address to listen on (default 127.0.0.1)")
    parser.add_argument("--port", type=int, default=0, help="port (default 0: any free port)")
    parser.add_argument("--tls-cert", help="PEM certificate (chain): serve HTTPS")
    parser.add_argument("--tls-key", help="PEM private key for --tls-cert")
    parser.add_argument("--state-file", help="also write the start-up JSON line to this file")
    parser.add_argument("--verbose", action="store_true", help="log every request on stderr")
    args = parser.parse_args(argv)
    if bool(args.tls_cert) != bool(args.tls_key):
        parser.error("--tls-cert and --tls-key go together")
    try:
        emulator = Emulator(seed=args.seed, host=args.host, port=args.port, tls_cert=args.tls_cert, tls_key=args.tls_key,
                            verbose=args.verbose).start()
    except (SeedError, OSError, ValueError, ssl.SSLError) as error:
        sys.stderr.write("quay_emulator: %s\n" % error)
        return 2
    stop = threading.Event()

    def on_signal(signum, frame):
        stop.set()

    signal.signal(signal.SIGTERM, on_signal)
    signal.signal(signal.SIGINT, on_signal)
    line = json.dumps(emulator.info())
    if args.state_file:
        _write_state_file(args.state_file, line)
    sys.stdout.write(line + "\n")
    sys.stdout.flush()
    while not stop.wait(0.5):
        pass
    emulator.stop()
    return 0


if __name__ == "__main__":
    sys.exit(main())
