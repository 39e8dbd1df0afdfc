# -*- coding: utf-8 -*-
# Copyright (c) 2026 quaytools.tags contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

"""Conformance of the emulator's GET /config, and of its immutability rules, with a real Quay (3.17 tag API).

What the real server did (FEATURE_IMMUTABLE_TAGS on):

- ``GET /config`` answers 200 with the same body with or without a token. Its top-level keys are ``config``,
  ``features``, ``oauth``, ``external_login``, ``registry_state``, ``account_recovery_mode`` and ``version_number``.
  The flag that lets immutable tags expire is ``features.IMMUTABLE_TAGS_CAN_EXPIRE`` and again
  ``config.FEATURE_IMMUTABLE_TAGS_CAN_EXPIRE``; immutability itself is ``features.IMMUTABLE_TAGS`` only.
- With FEATURE_IMMUTABLE_TAGS_CAN_EXPIRE off (the default), one tag PUT applies expiration, then immutable, then
  manifest_digest, keeping what it applied when a later field is refused:
  a PUT that would create a tag together with immutable or expiration is 404 and creates nothing; a future expiration
  on an immutable tag is 400; immutable on a tag with an expiration is 400; ``{"immutable": true, "expiration": null}``
  on an expiring tag is 201 (cleared, then locked); ``{"expiration", "immutable": true}`` on a mutable tag is 400 with
  the expiration applied; ``{"immutable": true, "manifest_digest"}`` is 409 with the tag locked; moving, restoring
  over and deleting an immutable tag are 409.
- With the flag on, immutable tags may have an expiration, in either order and in one PUT.
"""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import json

import pytest

D1 = "sha256:" + "a1" * 32
D2 = "sha256:" + "b2" * 32
TAGS = "/api/v1/repository/acme/app/tag/"
EXPIRING_WORDS = ("Cannot make tag '%s' immutable: tag has expiration set. Clear expiration first or enable "
                  "FEATURE_IMMUTABLE_TAGS_CAN_EXPIRE.")


def world(immutable_tags=True, can_expire=False):
    return {
        "config": {"immutable_tags": immutable_tags, "immutable_tags_can_expire": can_expire},
        "tokens": {
            "tok-admin": {"user": "alice", "scopes": ["repo:admin", "repo:write", "repo:read"]},
            "tok-write": {"user": "alice", "scopes": ["repo:write", "repo:read"]},
        },
        "namespaces": {"acme": {"owners": ["alice"]}},
        "repositories": {"acme/app": {
            "manifests": [{"digest": D1, "size": 10}, {"digest": D2, "size": 20}],
            "tags": [{"name": "latest", "manifest": D1, "start": -86400}, {"name": "other", "manifest": D2, "start": -86400}],
        }},
    }


@pytest.fixture
def strict(make_emulator):
    """Immutable tags on, FEATURE_IMMUTABLE_TAGS_CAN_EXPIRE off (Quay's default)."""
    return make_emulator(world())[1]


def alive(client, tag):
    rows = client.tags("acme/app", specificTag=tag, onlyActiveTags="true")
    return rows[0] if rows else None


def later(client, seconds=2 * 86400):
    return int(client.emulator.now()) + seconds


# -- GET /config -------------------------------------------------------------------------------------------------------

@pytest.mark.parametrize("immutable_tags, can_expire", [(True, False), (True, True), (False, False)])
def test_config_reports_the_immutability_flags(make_emulator, immutable_tags, can_expire):
    client = make_emulator(world(immutable_tags, can_expire))[1]
    response = client.get("/config", auth=None)
    assert response.status_code == 200 and response.headers["Content-Type"] == "application/json"
    body = response.json()
    assert sorted(body) == ["account_recovery_mode", "config", "external_login", "features", "oauth", "registry_state",
                            "version_number"]
    assert body["features"]["IMMUTABLE_TAGS"] is immutable_tags
    assert body["features"]["IMMUTABLE_TAGS_CAN_EXPIRE"] is can_expire
    assert body["config"]["FEATURE_IMMUTABLE_TAGS_CAN_EXPIRE"] is can_expire
    assert "FEATURE_IMMUTABLE_TAGS" not in body["config"]
    assert body["features"]["CHANGE_TAG_EXPIRATION"] is True and body["registry_state"] == "normal"


def test_config_is_the_same_with_a_token_and_follows_the_emulator_config(strict):
    anonymous = strict.get("/config", auth=None)
    assert strict.get("/config").content == anonymous.content
    # Flask's jsonify: sorted keys, compact.
    assert anonymous.content == (json.dumps(anonymous.json(), separators=(",", ":"), sort_keys=True) + "\n").encode()
    strict.emulator.set_config(immutable_tags_can_expire=True, registry_readonly=True)
    body = strict.get("/config", auth=None).json()
    assert body["features"]["IMMUTABLE_TAGS_CAN_EXPIRE"] is True and body["registry_state"] == "readonly"
    assert body["config"]["SERVER_HOSTNAME"] == strict.url.split("://", 1)[1]


def test_config_is_not_an_api_route(strict):
    assert strict.get("/config/", auth=None).status_code == 404
    response = strict.put("/config", {}, auth=None)
    assert response.status_code == 405 and "GET" in response.headers["Allow"]


# -- FEATURE_IMMUTABLE_TAGS_CAN_EXPIRE off -------------------------------------------------------------------------------

@pytest.mark.parametrize("body", [
    {"manifest_digest": D1, "immutable": True, "expiration": 1900000000},
    {"manifest_digest": D1, "immutable": True},
    {"manifest_digest": D1, "expiration": 1900000000},
])
def test_a_tag_cannot_be_created_with_immutable_or_expiration(strict, body):
    response = strict.put(TAGS + "newimm", body)
    assert response.status_code == 404 and response.json()["error_type"] == "not_found"
    assert alive(strict, "newimm") is None


def test_a_future_expiration_on_an_immutable_tag_is_refused_and_null_is_accepted(strict):
    assert strict.put(TAGS + "latest", {"immutable": True}).status_code == 201
    for body in ({"expiration": later(strict)}, {"immutable": True, "expiration": later(strict)}):
        response = strict.put(TAGS + "latest", body)
        assert (response.status_code, response.json()) == (400, {"message": "Cannot set expiration on immutable tag 'latest'"})
    assert "end_ts" not in alive(strict, "latest")
    assert strict.put(TAGS + "latest", {"expiration": None}).status_code == 201


def test_immutable_on_an_expiring_tag_is_refused_unless_the_expiration_is_cleared_in_the_same_put(strict):
    assert strict.put(TAGS + "latest", {"expiration": later(strict)}).status_code == 201
    response = strict.put(TAGS + "latest", {"immutable": True})
    assert (response.status_code, response.json()) == (400, {"message": EXPIRING_WORDS % "latest"})
    row = alive(strict, "latest")
    assert row["immutable"] is False and "end_ts" in row
    assert strict.put(TAGS + "latest", {"immutable": True, "expiration": None}).status_code == 201
    row = alive(strict, "latest")
    assert row["immutable"] is True and "end_ts" not in row and "expiration" not in row


def test_fields_are_applied_in_order_and_kept_when_a_later_one_is_refused(strict):
    when = later(strict)
    response = strict.put(TAGS + "latest", {"expiration": when, "immutable": True})
    assert (response.status_code, response.json()) == (400, {"message": EXPIRING_WORDS % "latest"})
    row = alive(strict, "latest")
    assert row["immutable"] is False and row["end_ts"] == when  # the expiration stayed
    response = strict.put(TAGS + "other", {"immutable": True, "manifest_digest": D1})
    assert response.status_code == 409 and response.json()["detail"] == "Cannot overwrite immutable tag 'other'"
    row = alive(strict, "other")
    assert row["immutable"] is True and row["manifest_digest"] == D2  # locked, not moved


def test_an_immutable_tag_cannot_be_moved_restored_over_or_deleted(strict):
    assert strict.put(TAGS + "latest", {"immutable": True}).status_code == 201
    for response in (strict.put(TAGS + "latest", {"manifest_digest": D2}),
                     strict.post(TAGS + "latest/restore", {"manifest_digest": D1}),
                     strict.delete(TAGS + "latest")):
        assert response.status_code == 409 and response.json()["error_type"] == "tag_immutable"
    assert len(strict.tags("acme/app", specificTag="latest")) == 1


# -- FEATURE_IMMUTABLE_TAGS_CAN_EXPIRE on ----------------------------------------------------------------------------------

def test_with_the_flag_on_immutable_tags_may_expire(make_emulator):
    client = make_emulator(world(can_expire=True))[1]
    when = later(client)
    assert client.put(TAGS + "latest", {"expiration": when, "immutable": True}).status_code == 201
    row = alive(client, "latest")
    assert row["immutable"] is True and row["end_ts"] == when
    assert client.put(TAGS + "other", {"immutable": True}).status_code == 201
    assert client.put(TAGS + "other", {"expiration": when}).status_code == 201
    assert alive(client, "other")["end_ts"] == when
    assert client.put(TAGS + "other", {"manifest_digest": D1}).status_code == 409
