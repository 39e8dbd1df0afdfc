# -*- coding: utf-8 -*-
# Copyright (c) 2026 quaytools.tags contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

"""The tag writes: PUT .../tag/<tag> (expiration, immutability, move), DELETE .../tag/<tag>, POST .../restore.

Here live Quay's refusal rules for writes (immutable tags, the expiration bounds and clamp), the temporary tag that
pins a manifest during a move, labels applied on a move (quay.expires-after, quay.immutable), and when a delete or a
move ends the cosign sibling tags of the manifest it leaves (the rule itself is in cosign.py).
"""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import calendar
import datetime
import hashlib
import re
import uuid

from .cosign import expire_siblings, is_cosign_name
from .endpoint import REPOSITORY_PATH, Route
from .model import Manifest, Row
from .permissions import ROLES
from .responses import Response, flask_jsonify, fr_json, internal_error
from .settings import TEMP_TAG_SECONDS
from .texts import (
    BAD_REQUEST,
    IMMUTABLE_DELETE,
    IMMUTABLE_EXPIRATION,
    IMMUTABLE_OVERWRITE,
    IMMUTABLE_WITH_EXPIRY,
    TAG_ERROR,
)

TAG_REGEX = re.compile(r"^[\w][\w.-]{0,127}$", re.ASCII)
DURATION_RE = re.compile(r"^(\d+)([smhdw])$")
DURATION_UNITS = {"s": 1, "m": 60, "h": 3600, "d": 86400, "w": 604800}

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


def clamped_end(config, row, when):
    """The expiration clamp: the end (epoch ms) a requested expiration ``when`` (an aware datetime) gives ``row``.

    Quay keeps the offset from the tag's start (whole seconds) between expiration_minimum_s and expiration_maximum_s.
    """
    start_s = row.start_ms // 1000
    offset = calendar.timegm(when.utctimetuple()) - start_s
    offset = min(max(offset, config["expiration_minimum_s"]), config["expiration_maximum_s"])
    return row.start_ms + int(offset * 1000)


def change_tag(model, request):
    """PUT .../tag/<tag>: set expiration, then immutability, then move the tag; each step commits on its own."""
    caller, repo, tag, body, headers = request.caller, request.repo, request.arg("tag"), request.body, request.headers
    data = model.parse_json(body, headers.get("Content-Type"), CHANGE_TAG_SCHEMA, headers)
    if not TAG_REGEX.match(tag):
        return fr_json(400, {"message": TAG_ERROR})
    if repo is None:
        return model.not_found(headers)
    config = model.state.config
    feature = bool(config.get("immutable_tags"))
    can_expire = bool(config.get("immutable_tags_can_expire"))
    now = model.now_ms()
    # Each step commits on its own: a later failure leaves the earlier steps applied.
    if "expiration" in data:
        row = repo.alive_tag(tag, now)
        if row is None:
            return model.not_found(headers)
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
            new_end = clamped_end(config, row, when)
        if new_end != row.end_ms:
            row.end_ms = new_end
            repo.note_end(new_end)
            repo.changed()
    if "immutable" in data and feature:
        row = repo.alive_tag(tag, now)
        if row is None:
            return model.not_found(headers)
        wanted = data["immutable"]
        if row.immutable and not wanted and model.role(caller, repo.namespace, repo) < ROLES["admin"]:
            return model.unauthorized(caller, headers)
        if wanted and not row.immutable and row.end_ms is not None and not can_expire:
            return fr_json(400, {"message": IMMUTABLE_WITH_EXPIRY % tag})
        if row.immutable != wanted:
            row.immutable = wanted
            repo.changed()
    if "manifest_digest" in data:
        digest = data["manifest_digest"]
        existing = repo.alive_tag(tag, now)
        manifest = lookup_alive_manifest(repo, digest, now)
        if manifest is None:
            return model.not_found(headers)
        pin(repo, manifest, now)
        if feature and existing is not None and existing.immutable:
            return model.api_error(409, "tag_immutable", IMMUTABLE_OVERWRITE % tag, headers)
        retarget(model, repo, tag, manifest, reversion=False)
    return fr_json(201, "Updated")


def lookup_alive_manifest(repo, digest, now):
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


def pin(repo, manifest, now):
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


def retarget(model, repo, tag, manifest, reversion):
    """End the alive row of the name (if any) and open a new one now."""
    if manifest.schema1_tag is not None and manifest.schema1_tag != tag:
        # Quay re-signs a schema1 manifest for another tag name: the tag ends up on a new digest.
        digest = "sha256:" + hashlib.sha256(("%s\n%s" % (manifest.digest, tag)).encode("utf-8")).hexdigest()
        if digest not in repo.manifests:
            repo.add_manifest(Manifest(digest, manifest.size, None, manifest.media_type, manifest.labels, tag))
        manifest = repo.manifests[digest]
    existing = repo.alive_tag(tag, model.now_ms())
    now = model.tick()
    config = model.state.config
    if existing is not None:
        repo.end_row(existing, now)
        if existing.manifest != manifest.digest and not is_cosign_name(tag):
            expire_siblings(repo, existing.manifest, now)
    end = None
    expires_after = common_label(repo, manifest, "quay.expires-after")
    match = DURATION_RE.match(expires_after or "")
    if match:
        end = now + int(match.group(1)) * DURATION_UNITS[match.group(2)] * 1000
    immutable = False
    if config.get("immutable_tags") and ((common_label(repo, manifest, "quay.immutable") or "").lower() == "true"
                                         or model.state.policies.makes_immutable(repo, tag)):
        # A quay.immutable=true label, or an immutability policy of the repository or its namespace (policies.py).
        immutable = True
        if not config.get("immutable_tags_can_expire"):
            end = None
    repo.add_current(Row(tag, manifest.digest, now, end, reversion, immutable))


def common_label(repo, manifest, key):
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


def delete_tag(model, request):
    """DELETE .../tag/<tag>: end the alive row of the name (and the cosign siblings of its manifest, cosign.py)."""
    repo, tag, headers = request.repo, request.arg("tag"), request.headers
    if repo is None:
        return model.not_found(headers)
    row = repo.alive_tag(tag, model.now_ms())
    if row is None:
        return model.not_found(headers)
    if model.state.config.get("immutable_tags") and row.immutable:
        return model.api_error(409, "tag_immutable", IMMUTABLE_DELETE % tag, headers)
    now = model.tick()
    repo.end_row(row, now)
    if not is_cosign_name(tag):
        expire_siblings(repo, row.manifest, now)
    return Response(204, b"", "application/json")


def restore_tag(model, request):
    """POST .../tag/<tag>/restore: point the name at a manifest the repository still has, as a reversion."""
    repo, tag, body, headers = request.repo, request.arg("tag"), request.body, request.headers
    data = model.parse_json(body, headers.get("Content-Type"), RESTORE_TAG_SCHEMA, headers)
    if repo is None:
        return model.not_found(headers)
    digest = data.get("manifest_digest")
    if digest is None:
        return model.invalid_request("Missing manifest_digest", headers)
    manifest = repo.manifests.get(digest)
    if manifest is None:
        return model.not_found(headers)
    now = model.now_ms()
    pin(repo, manifest, now)
    existing = repo.alive_tag(tag, now)
    if model.state.config.get("immutable_tags") and existing is not None and existing.immutable:
        return model.api_error(409, "tag_immutable", IMMUTABLE_OVERWRITE % tag, headers)
    retarget(model, repo, tag, manifest, reversion=True)
    return fr_json(200, {})


ROUTES = (
    Route(("POST", "OPTIONS"), REPOSITORY_PATH + r"/tag/(?P<tag>[^/]+)/restore", restore_tag, need="write"),
    Route(("PUT",), REPOSITORY_PATH + r"/tag/(?P<tag>[^/]+)", change_tag, need="write"),
    Route(("DELETE", "OPTIONS"), REPOSITORY_PATH + r"/tag/(?P<tag>[^/]+)", delete_tag, need="write"),
)
