# -*- coding: utf-8 -*-
# Copyright (c) 2026 quaytools.tags contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

"""The emulated Quay application: its state (from a seed), its clock, its config, and the helpers every endpoint
uses to answer (Quay's API error bodies, JSON body parsing, who the caller is). ``handle`` hands each API request to
routing.dispatch.
"""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import json
import time

from .model import row_key
from .permissions import caller_of, effective_role
from .responses import ApiError, fr_json
from .routing import dispatch
from .schema import schema_error
from .seed import State, load_seed
from .settings import BOOL_CONFIG, DEFAULT_CONFIG
from .texts import BAD_REQUEST, UNSUPPORTED_MEDIA_TYPE


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

        ordered = sorted(repo.rows + repo.hidden, key=row_key)
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
        """The Caller of a request (permissions.caller_of over the seed's tokens)."""
        return caller_of(self.state.tokens, headers)

    def role(self, caller, namespace, repo):
        """The caller's effective role on a repository (permissions.effective_role)."""
        return effective_role(self.state.namespaces, caller, namespace, repo)

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
            return dispatch(self, method, raw_path, query, headers, body)
        except ApiError as error:
            return error.response
