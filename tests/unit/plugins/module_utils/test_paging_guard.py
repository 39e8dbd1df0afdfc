# -*- coding: utf-8 -*-
# Copyright (c) 2026 quaytools.tags contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

"""Paging that does not advance: a server or proxy that ignores ``page`` (here the emulator's fault rule that answers
every listing with the same first page, ``has_additional`` true) must stop the client with an error naming the
repository and the page, in the tag listing and in the digest check of quay_tag, instead of looping forever."""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import os
import sys

import pytest

from ansible_collections.quaytools.tags.plugins.module_utils._client import QuayClient, QuayError
from ansible_collections.quaytools.tags.plugins.module_utils._tag_read import digest_available, read_current

EMULATOR_DIR = os.path.abspath(os.path.join(os.path.dirname(__file__), "..", "..", "..", "emulator"))
if EMULATOR_DIR not in sys.path:
    sys.path.insert(0, EMULATOR_DIR)

from quay_emulator import Emulator  # noqa: E402  pylint: disable=wrong-import-position,import-error

TOKEN = "tok-paging-0123456789"
REPO = "acme/app"
D1 = "sha256:" + "1" * 64
MISSING = "sha256:" + "9" * 64
FIRST_PAGE = {"tags": [{"name": "t0", "reversion": False, "start_ts": 1790000000, "manifest_digest": D1,
                        "is_manifest_list": False, "size": 1, "last_modified": "Thu, 24 Sep 2026 10:13:20 -0000"}],
              "page": 1, "has_additional": True}


@pytest.fixture(scope="module")
def emulator():
    seed = {
        "tokens": {TOKEN: {"user": "alice", "scopes": ["repo:admin", "repo:write", "repo:read"]}},
        "namespaces": {"acme": {"owners": ["alice"]}},
        "repositories": {REPO: {"manifests": [{"digest": D1, "size": 1}],
                                "tags": [{"name": "t%d" % n, "manifest": D1, "start": -86400 + n} for n in range(250)]}},
    }
    server = Emulator(seed=seed).start()
    yield server
    server.stop()


@pytest.fixture
def client(emulator):
    emulator.reset()
    # Every GET of the listing gets the same first page, whatever page it asks for (count 0: for ever).
    emulator.add_faults({"method": "GET", "path": "^/api/v1/repository/acme/app/tag/$", "status": 200, "body": FIRST_PAGE,
                         "count": 0})
    return QuayClient(emulator.url, TOKEN, timeout=5, retries=0)


def listing_requests(emulator):
    return [entry for entry in emulator.log()["requests"] if entry["method"] == "GET"]


def test_the_emulator_serves_every_page_without_the_fault(emulator):
    emulator.reset()
    rows = QuayClient(emulator.url, TOKEN).list_all_tags(REPO, limit=100)
    assert len(rows) == 250 and len(listing_requests(emulator)) == 3


def test_the_tag_listing_stops_at_the_page_that_does_not_advance(client, emulator):
    with pytest.raises(QuayError) as exc:
        client.list_all_tags(REPO, only_active=True, limit=100)
    assert exc.value.kind == "bad_response"
    assert str(exc.value).startswith("the tag listing of acme/app does not advance at page 2: the answer is page 1")
    assert len(listing_requests(emulator)) == 2 and client.requests_sent == 2


def test_the_digest_check_stops_at_the_page_that_does_not_advance(client, emulator):
    with pytest.raises(QuayError) as exc:
        digest_available(client, REPO, MISSING, [], 1800000000)
    assert "does not advance at page 2" in str(exc.value) and "acme/app" in str(exc.value)
    assert len(listing_requests(emulator)) == 2


def test_reading_several_tags_stops_at_the_page_that_does_not_advance(client, emulator):
    with pytest.raises(QuayError) as exc:
        read_current(client, REPO, ["x-1", "x-2", "x-3"], 1800000000)
    assert "does not advance at page 2" in str(exc.value)
    assert len(listing_requests(emulator)) == 2
