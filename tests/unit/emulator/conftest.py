# -*- coding: utf-8 -*-
# Copyright (c) 2026 quaytools.tags contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

"""Fixtures of the emulator conformance tests: emulators started in-process on a free loopback port."""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import json
import os
import sys

import pytest
import requests

ROOT = os.path.abspath(os.path.join(os.path.dirname(__file__), "..", "..", ".."))
EMULATOR_DIR = os.path.join(ROOT, "tests", "emulator")
SEEDS_DIR = os.path.join(EMULATOR_DIR, "seeds")
if EMULATOR_DIR not in sys.path:
    sys.path.insert(0, EMULATOR_DIR)

from quay_emulator import Emulator  # noqa: E402  pylint: disable=wrong-import-position


def seed_path(name):
    return os.path.join(SEEDS_DIR, name)


def token_roles(emulator):
    """Name the tokens of a seed: the first is ``admin``; ``write``/``read`` are the first user's other tokens by scope;
    a token of another user is named ``<user>_read`` (transcripts: ``public_read``) or ``<user>``."""
    tokens = emulator.tokens
    names = list(tokens)
    roles = {}
    if not names:
        return roles
    roles["admin"] = names[0]
    first_user = tokens[names[0]]["user"]
    for token in names[1:]:
        info = tokens[token]
        scopes = info["scopes"]
        if info["user"] != first_user:
            roles.setdefault("%s_read" % info["user"] if scopes == ["repo:read"] else info["user"], token)
        elif "repo:write" in scopes and "repo:admin" not in scopes:
            roles.setdefault("write", token)
        elif "repo:write" not in scopes:
            roles.setdefault("read", token)
    return roles


class Client:
    """A requests.Session bound to one emulator, choosing the Authorization header by role name."""

    def __init__(self, emulator):
        self.emulator = emulator
        self.url = emulator.url
        self.session = requests.Session()
        self.roles = token_roles(emulator)

    def auth_headers(self, auth):
        if auth is None:
            return {}
        if isinstance(auth, dict):
            return dict(auth)
        return {"Authorization": "Bearer %s" % self.roles[auth]}

    def request(self, method, path, auth="admin", json_body=None, data=None, headers=None, **kwargs):
        all_headers = self.auth_headers(auth)
        if json_body is not None:
            data = json.dumps(json_body)
            all_headers["Content-Type"] = "application/json"
        all_headers.update(headers or {})
        kwargs.setdefault("allow_redirects", False)
        kwargs.setdefault("timeout", 30)
        return self.session.request(method, self.url + path, data=data, headers=all_headers, **kwargs)

    def get(self, path, auth="admin", **kwargs):
        return self.request("GET", path, auth, **kwargs)

    def put(self, path, body=None, auth="admin", **kwargs):
        return self.request("PUT", path, auth, json_body=body, **kwargs)

    def delete(self, path, auth="admin", **kwargs):
        return self.request("DELETE", path, auth, **kwargs)

    def post(self, path, body=None, auth="admin", **kwargs):
        return self.request("POST", path, auth, json_body=body, **kwargs)

    def tags(self, repository, auth="admin", **params):
        """Every page of the listing (onlyActiveTags etc. as keyword arguments), as one list of tag objects."""
        rows = []
        page = 1
        while True:
            query = dict(params, page=page, limit=100)
            response = self.session.get("%s/api/v1/repository/%s/tag/" % (self.url, repository), params=query,
                                        headers=self.auth_headers(auth), timeout=30)
            assert response.status_code == 200, response.text
            body = response.json()
            rows.extend(body["tags"])
            if not body["has_additional"]:
                return rows
            page += 1

    def close(self):
        self.session.close()


@pytest.fixture(scope="module")
def transcripts_server():
    """One emulator with the transcripts seed per test module (each test resets it)."""
    emulator = Emulator(seed=seed_path("transcripts.json")).start()
    yield emulator
    emulator.stop()


@pytest.fixture
def quay(transcripts_server):
    """A client of the transcripts emulator, reset to the seed (clock at 1795906000) before the test."""
    transcripts_server.reset()
    client = Client(transcripts_server)
    yield client
    client.close()


@pytest.fixture
def make_emulator():
    """Start emulators with custom seeds; all are stopped after the test. Returns (emulator, client)."""
    started = []

    def start(seed, **kwargs):
        emulator = Emulator(seed=seed, **kwargs).start()
        client = Client(emulator)
        started.append((emulator, client))
        return emulator, client

    yield start
    for emulator, client in started:
        client.close()
        emulator.stop()
