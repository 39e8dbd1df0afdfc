# -*- coding: utf-8 -*-
# Copyright (c) 2026 quaytools.tags contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

"""The digest lookup's logic: terms, platforms, manifest lists, and the requests it sends (a scripted transport)."""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import json

import pytest

from ansible_collections.quaytools.tags.plugins.module_utils._client import QuayClient, QuayError
from ansible_collections.quaytools.tags.plugins.module_utils._digest import (
    LookupProblem,
    parse_platform,
    parse_term,
    pick_child,
    resolve,
)

TOKEN = "digest-unit-token-0123456789abcdef"
AMD64 = "sha256:" + "a" * 64
ARM64 = "sha256:" + "b" * 64
ARMV7 = "sha256:" + "c" * 64
ARMV6 = "sha256:" + "d" * 64
LIST = "sha256:" + "e" * 64
SINGLE = "sha256:" + "f" * 64


def manifest_list(entries, media_type="application/vnd.docker.distribution.manifest.list.v2+json"):
    """Quay's manifest endpoint answer for a list: the raw list as a string in manifest_data."""
    raw = {"schemaVersion": 2, "mediaType": media_type, "manifests": [
        {"mediaType": "application/vnd.docker.distribution.manifest.v2+json", "digest": digest, "size": 522,
         "platform": platform} for digest, platform in entries]}
    return {"digest": LIST, "is_manifest_list": True, "manifest_data": json.dumps(raw, indent=3),
            "config_media_type": None, "layers_compressed_size": 0, "layers": None}


MULTI = manifest_list([
    (AMD64, {"architecture": "amd64", "os": "linux"}),
    (ARM64, {"architecture": "arm64", "os": "linux"}),
    (ARMV7, {"architecture": "arm", "os": "linux", "variant": "v7"}),
    (ARMV6, {"architecture": "arm", "os": "linux", "variant": "v6"}),
])


def tag_row(name, digest, is_list=False):
    return {"name": name, "reversion": False, "start_ts": 1795905646, "manifest_digest": digest,
            "is_manifest_list": is_list, "size": None if is_list else 58, "last_modified": "Sat, 28 Nov 2026 22:40:46 -0000"}


def tags_page(*rows):
    return {"tags": list(rows), "page": 1, "has_additional": False}


@pytest.fixture
def client(transport):
    return QuayClient("https://quay.example.com", TOKEN, retries=2, sleep=lambda seconds: None)


# -- terms and platforms --------------------------------------------------------------------

@pytest.mark.parametrize("term, expected", [
    ("myorg/app:stable", ("myorg/app", "stable")),
    ("myorg/team/app:v1.2", ("myorg/team/app", "v1.2")),
    ("  myorg/app:latest ", ("myorg/app", "latest")),
])
def test_parse_term(term, expected):
    assert parse_term(term) == expected


@pytest.mark.parametrize("term, words", [
    ("myorg/app", "has no tag"),
    ("myorg/app:", "not a valid tag name"),
    ("myorg/app@sha256:" + "a" * 64, "names a digest already"),
    ("myorg/app:stable@sha256:" + "a" * 64, "names a digest already"),
    ("sha256:" + "a" * 64, "is a digest, not a tag"),
    ("app:stable", "is not a repository"),
    ("MyOrg/app:stable", "is not a valid repository"),
    ("quay.example.com:443/myorg/app:stable", "is not a valid repository"),
    ("myorg/app:-bad", "not a valid tag name"),
    ("myorg/app:a/b", "has no tag"),
    (5, "is not a string"),
    (None, "is not a string"),
])
def test_parse_term_refuses(term, words):
    with pytest.raises(LookupProblem) as info:
        parse_term(term)
    assert words in str(info.value)
    assert "namespace/name" in str(info.value) or "repository" in str(info.value) or "tag name" in str(info.value)


def test_parse_term_names_a_registry_host():
    with pytest.raises(LookupProblem) as info:
        parse_term("quay.example.com:443/myorg/app:stable")
    assert str(info.value).endswith("; write the repository without the registry host")


@pytest.mark.parametrize("text, expected", [
    ("linux/amd64", ("linux", "amd64", None)),
    ("linux/arm/v7", ("linux", "arm", "v7")),
    ("windows/amd64", ("windows", "amd64", None)),
])
def test_parse_platform(text, expected):
    assert parse_platform(text) == expected


@pytest.mark.parametrize("text", ["linux", "Linux/AMD64", "linux/amd64/v1/x", "", "linux//v7", 7])
def test_parse_platform_refuses(text):
    with pytest.raises(LookupProblem) as info:
        parse_platform(text)
    assert "platform:" in str(info.value) and "linux/arm/v7" in str(info.value)


@pytest.mark.parametrize("platform, digest", [
    ("linux/amd64", AMD64),
    ("linux/arm64", ARM64),
    ("linux/arm64/v8", ARM64),  # an arm64 image without a variant counts as v8
    ("linux/arm/v7", ARMV7),
    ("linux/arm/v6", ARMV6),
])
def test_pick_child(platform, digest):
    assert pick_child(MULTI, parse_platform(platform), "x") == digest


def test_pick_child_missing_platform_lists_what_there_is():
    with pytest.raises(LookupProblem) as info:
        pick_child(MULTI, parse_platform("linux/s390x"), "myorg/app:v1")
    assert "without a linux/s390x image" in str(info.value)
    assert "linux/amd64, linux/arm/v6, linux/arm/v7, linux/arm64" in str(info.value)


def test_pick_child_ambiguous_asks_for_the_variant():
    with pytest.raises(LookupProblem) as info:
        pick_child(MULTI, parse_platform("linux/arm"), "myorg/app:v1")
    assert "several linux/arm images" in str(info.value)
    assert "platform=linux/arm/v6" in str(info.value)


def test_pick_child_oci_index_skips_entries_without_platform():
    index = manifest_list([(AMD64, {"architecture": "amd64", "os": "linux"})], "application/vnd.oci.image.index.v1+json")
    raw = json.loads(index["manifest_data"])
    raw["manifests"].append({"mediaType": "application/vnd.oci.image.manifest.v1+json", "digest": ARM64, "size": 1})
    index["manifest_data"] = json.dumps(raw)
    assert pick_child(index, parse_platform("linux/amd64"), "x") == AMD64


def test_pick_child_refuses_an_answer_without_a_list():
    with pytest.raises(LookupProblem) as info:
        pick_child({"digest": LIST, "manifest_data": "{not json"}, parse_platform("linux/amd64"), "x")
    assert "holds no list of manifests" in str(info.value)


# -- requests ----------------------------------------------------------------------------------

def test_one_request_per_term(client, transport):
    transport.expect("GET", "/api/v1/repository/myorg/app/tag/", body=tags_page(tag_row("stable", SINGLE)))
    transport.expect("GET", "/api/v1/repository/myorg/team/web/tag/", body=tags_page(tag_row("v1", LIST, True)))
    assert resolve(client, ["myorg/app:stable", "myorg/team/web:v1"]) == [SINGLE, LIST]
    assert [call.query for call in transport.calls] == [
        {"specificTag": "stable", "onlyActiveTags": "true"}, {"specificTag": "v1", "onlyActiveTags": "true"}]
    assert client.requests_sent == 2


def test_platform_costs_one_more_request_for_a_list_only(client, transport):
    transport.expect("GET", "/api/v1/repository/myorg/app/tag/", body=tags_page(tag_row("multi", LIST, True)))
    transport.expect("GET", "/api/v1/repository/myorg/app/manifest/" + LIST, body=MULTI)
    transport.expect("GET", "/api/v1/repository/myorg/app/tag/", body=tags_page(tag_row("single", SINGLE)))
    transport.expect("GET", "/api/v1/repository/myorg/app/tag/", body=tags_page(tag_row("again", LIST, True)))
    got = resolve(client, ["myorg/app:multi", "myorg/app:single", "myorg/app:again"], platform="linux/arm64")
    assert got == [ARM64, SINGLE, ARM64]
    # The list read for the first term serves the third: 4 requests for 3 terms, one of them a list.
    assert client.requests_sent == 4


def test_missing_tag_is_an_error_without_default(client, transport):
    transport.expect("GET", "/api/v1/repository/myorg/app/tag/", body=tags_page())
    with pytest.raises(LookupProblem) as info:
        resolve(client, ["myorg/app:gone"])
    assert "myorg/app:gone: tag gone is not active in myorg/app" in str(info.value)
    assert "set default" in str(info.value)


@pytest.mark.parametrize("default", ["", None, "sha256:none"])
def test_default_stands_for_a_missing_tag(client, transport, default):
    transport.expect("GET", "/api/v1/repository/myorg/app/tag/", body=tags_page())
    transport.expect("GET", "/api/v1/repository/myorg/app/tag/", body=tags_page(tag_row("stable", SINGLE)))
    assert resolve(client, ["myorg/app:gone", "myorg/app:stable"], default=default) == [default, SINGLE]


def test_a_row_of_another_name_is_not_taken(client, transport):
    # specificTag is exact on Quay; a row of another name (a proxy, an old server) is not the tag.
    transport.expect("GET", "/api/v1/repository/myorg/app/tag/", body=tags_page(tag_row("stable-old", SINGLE)))
    with pytest.raises(LookupProblem):
        resolve(client, ["myorg/app:stable"])


def test_bad_terms_fail_before_any_request(client, transport):
    with pytest.raises(LookupProblem) as info:
        resolve(client, ["myorg/app:stable", "myorg/app@sha256:" + "a" * 64])
    assert "names a digest already" in str(info.value)
    with pytest.raises(LookupProblem):
        resolve(client, ["myorg/app:stable"], platform="amd64")
    assert transport.calls == []


def test_missing_repository_is_an_error_even_with_default(client, transport):
    transport.expect("GET", "/api/v1/repository/myorg/nope/tag/", status=404,
                     body={"detail": "Not Found", "error_message": "Not Found", "error_type": "not_found"})
    with pytest.raises(QuayError) as info:
        resolve(client, ["myorg/nope:stable"], default="")
    assert "repository myorg/nope not found" in str(info.value)


def test_missing_manifest_list_is_a_clear_error(client, transport):
    transport.expect("GET", "/api/v1/repository/myorg/app/tag/", body=tags_page(tag_row("multi", LIST, True)))
    transport.expect("GET", "/api/v1/repository/myorg/app/manifest/" + LIST, status=404,
                     body={"detail": "Not Found", "error_message": "Not Found", "error_type": "not_found"})
    with pytest.raises(QuayError) as info:
        resolve(client, ["myorg/app:multi"], platform="linux/amd64")
    assert "manifest %s not found in myorg/app" % LIST in str(info.value)


def test_transient_failure_is_retried_and_the_token_never_shows(client, transport):
    transport.expect("GET", "/api/v1/repository/myorg/app/tag/", status=503, body={"message": "busy " + TOKEN})
    transport.expect("GET", "/api/v1/repository/myorg/app/tag/", body=tags_page(tag_row("stable", SINGLE)))
    assert resolve(client, ["myorg/app:stable"]) == [SINGLE]
    assert client.requests_sent == 2 and len(client.warnings) == 1
    transport.expect("GET", "/api/v1/repository/myorg/app/tag/", status=401,
                     body={"error_message": "token %s is invalid" % TOKEN, "error_type": "invalid_token"})
    with pytest.raises(QuayError) as info:
        resolve(client, ["myorg/app:stable"])
    assert TOKEN not in str(info.value) and "authentication failed" in str(info.value)
