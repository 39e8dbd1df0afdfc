# -*- coding: utf-8 -*-
# Copyright (c) 2026 quaytools.tags contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

"""The repository listing helper (_repositories) against the emulator's listing, and its input checks."""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import os
import sys

import pytest

from ansible_collections.quaytools.tags.plugins.module_utils._client import QuayClient, QuayError
from ansible_collections.quaytools.tags.plugins.module_utils._repositories import (
    iter_repositories,
    list_repositories_page,
    repository_name,
    validate_namespace,
)

sys.path.insert(0, os.path.join(os.path.dirname(__file__), "..", "..", "..", "emulator"))

from quay_emulator import Emulator  # noqa: E402  pylint: disable=wrong-import-position

TOKEN = "repositories-unit-token-0123456789"


@pytest.fixture(scope="module")
def quay():
    repositories = dict(("acme/r%03d" % index, {}) for index in range(205))
    repositories["other/app"] = {"public": True}
    repositories["acme/r007"] = {"public": True}
    server = Emulator(seed={"tokens": {TOKEN: {"user": "ci", "scopes": ["repo:read"]}},
                            "namespaces": {"acme": {"owners": ["ci"]}}, "repositories": repositories}).start()
    yield server
    server.stop()


def test_every_page_in_order_with_the_fewest_requests(quay):
    quay.clear_log()
    client = QuayClient(quay.url, TOKEN)
    names = [repository_name(item) for item in iter_repositories(client, namespace="acme")]
    assert names == ["acme/r%03d" % index for index in range(205)]
    assert client.requests_sent == 3  # pages of 100: 100 + 100 + 5
    queries = [entry["query"] for entry in quay.log()["requests"]]
    assert queries[0] == "namespace=acme" and "next_page=" in queries[1]


def test_public_and_last_modified(quay):
    client = QuayClient(quay.url, TOKEN)
    page = list_repositories_page(client, namespace="other", public=True, last_modified=True)
    assert [(item["name"], item["is_public"], item["last_modified"]) for item in page["repositories"]] == [
        ("app", True, None)]
    assert "next_page" not in page
    anonymous = QuayClient(quay.url, None)
    assert [repository_name(item) for item in iter_repositories(anonymous, public=True)] == ["acme/r007", "other/app"]


@pytest.mark.parametrize("namespace", ["a", "My Org", "acme/app", "", None, 5])
def test_bad_namespaces(namespace):
    with pytest.raises(ValueError):
        validate_namespace(namespace)


def test_listing_needs_a_namespace_or_public():
    with pytest.raises(ValueError) as info:
        list_repositories_page(QuayClient("https://quay.example.com", TOKEN))
    assert "needs a namespace, or public" in str(info.value)


def test_a_server_that_is_not_quay(transport):
    transport.expect("GET", "/api/v1/repository", body={"items": []})
    with pytest.raises(QuayError) as info:
        list_repositories_page(QuayClient("https://quay.example.com", TOKEN, retries=0), namespace="acme")
    assert "without a repositories list" in str(info.value)
