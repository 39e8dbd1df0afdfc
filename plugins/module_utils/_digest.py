# -*- coding: utf-8 -*-
# Copyright (c) 2026 quaytools.tags contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

# FOR INTERNAL COLLECTION USE ONLY.
# The interfaces in this file are meant for use within the quaytools.tags collection
# and may not remain stable to outside uses. Changes may be made in ANY release.

"""The logic of the quaytools.tags.digest lookup: ``namespace/name:tag`` -> the manifest digest the tag points at.

One request per term (the tag listing with ``specificTag`` and ``onlyActiveTags``), plus one per manifest list when a
platform is asked for (Quay's manifest endpoint, whose ``manifest_data`` is the raw manifest list as a string).
Every term is checked before the first request.
"""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import json
import re

from ansible_collections.quaytools.tags.plugins.module_utils._client import (
    DIGEST_RE,
    validate_digest,
    validate_repository,
    validate_tag_name,
)

PLATFORM_RE = re.compile(r"^([a-z0-9_.-]+)/([a-z0-9_.-]+)(?:/([a-z0-9_.-]+))?\Z")
# Docker and containerd take an arm64 image without a variant as v8.
DEFAULT_VARIANTS = {"arm64": "v8"}
MISSING = object()


class LookupProblem(Exception):
    """A term or an answer the lookup cannot turn into a digest; ``str()`` is the message for people."""


def parse_term(term):
    """``namespace/name:tag`` -> ``(repository, tag)``. Raises LookupProblem naming the term and the fix."""
    if not isinstance(term, str):
        raise LookupProblem("%r is not a string: give namespace/name:tag, for example myorg/app:stable" % (term,))
    text = term.strip()
    if "@" in text:
        raise LookupProblem("%r names a digest already: give namespace/name:tag (this lookup finds the digest a tag "
                            "points at)" % term)
    repository, sep, tag = text.rpartition(":")
    if not sep or "/" in tag:
        raise LookupProblem("%r has no tag: write namespace/name:tag, for example myorg/app:stable" % term)
    if DIGEST_RE.match(text):
        raise LookupProblem("%r is a digest, not a tag: write namespace/name:tag" % term)
    try:
        validate_repository(repository)
        validate_tag_name(tag)
    except ValueError as exc:
        host = repository.split("/", 1)[0]
        hint = "; write the repository without the registry host" if ":" in host or host == "localhost" or (
            "." in host and repository.count("/") >= 2) else ""
        raise LookupProblem("%r: %s%s" % (term, exc, hint))
    return repository, tag


def parse_platform(value):
    """``os/architecture[/variant]`` -> ``(os, architecture, variant or None)``."""
    match = PLATFORM_RE.match(value) if isinstance(value, str) else None
    if not match:
        raise LookupProblem("platform: %r is not a platform: write os/architecture or os/architecture/variant in lower "
                            "case, for example linux/amd64, linux/arm64 or linux/arm/v7" % (value,))
    return match.group(1), match.group(2), match.group(3)


def platform_text(platform):
    """A manifest list entry's platform as ``os/architecture[/variant]``."""
    text = "%s/%s" % (platform.get("os"), platform.get("architecture"))
    if platform.get("variant"):
        text += "/" + platform["variant"]
    return text


def _matches(platform, wanted):
    os_name, architecture, variant = wanted
    if platform.get("os") != os_name or platform.get("architecture") != architecture:
        return False
    if variant is None:
        return True
    return (platform.get("variant") or DEFAULT_VARIANTS.get(architecture)) == variant


def children(manifest):
    """The entries of a manifest list, from the answer of Quay's manifest endpoint."""
    raw = manifest.get("manifest_data")
    try:
        data = json.loads(raw) if isinstance(raw, str) else raw
    except ValueError:
        data = None
    entries = data.get("manifests") if isinstance(data, dict) else None
    if not isinstance(entries, list):
        raise LookupProblem("Quay's answer for manifest list %s holds no list of manifests" % manifest.get("digest"))
    return [entry for entry in entries if isinstance(entry, dict) and isinstance(entry.get("platform"), dict)]


def pick_child(manifest, wanted, what):
    """The digest of the one child of a manifest list for the ``wanted`` platform (a parse_platform result)."""
    entries = children(manifest)
    found = [entry for entry in entries if _matches(entry["platform"], wanted)]
    digests = sorted(set(entry.get("digest") for entry in found))
    if len(digests) == 1:
        return validate_digest(digests[0])
    available = ", ".join(sorted(set(platform_text(entry["platform"]) for entry in entries))) or "none"
    asked = "/".join(part for part in wanted if part)
    if not digests:
        raise LookupProblem("%s is a manifest list without a %s image (it has: %s)" % (what, asked, available))
    raise LookupProblem("%s has several %s images (%s): give the variant too, for example platform=%s" % (
        what, asked, ", ".join(sorted(platform_text(entry["platform"]) for entry in found)),
        min(platform_text(entry["platform"]) for entry in found)))


def manifest_path(repository, digest):
    return "/api/v1/repository/%s/manifest/%s" % (repository, digest)


def read_tag(client, repository, tag):
    """The active row of ``tag`` (one request), or None when the tag is not active."""
    rows = client.list_tags(repository, specific_tag=tag, only_active=True)["tags"]
    for row in rows:
        if isinstance(row, dict) and row.get("name") == tag and row.get("manifest_digest"):
            return row
    return None


def read_manifest(client, repository, digest):
    """Quay's manifest endpoint (one request)."""
    return client.get_json(manifest_path(repository, digest), context={
        "repository": repository,
        "not_found": "manifest %s not found in %s (HTTP 404)" % (digest, repository)})


def resolve(client, terms, platform=None, default=MISSING):
    """The digest of each term, in order. ``default`` (when given) stands for a tag that is not active.

    Raises LookupProblem for a bad term or platform (before any request), a missing tag without ``default`` or a
    manifest list without the platform; QuayError for a failed request.
    """
    parsed = [parse_term(term) for term in terms]
    wanted = parse_platform(platform) if platform is not None else None
    manifests = {}
    digests = []
    for term, (repository, tag) in zip(terms, parsed):
        row = read_tag(client, repository, tag)
        if row is None:
            if default is MISSING:
                raise LookupProblem("%s: tag %s is not active in %s (never created, deleted or expired); set default to "
                                    "get a value instead of an error" % (term, tag, repository))
            digests.append(default)
            continue
        digest = row["manifest_digest"]
        if wanted is not None and row.get("is_manifest_list"):
            key = (repository, digest)
            if key not in manifests:
                manifests[key] = read_manifest(client, repository, digest)
            digest = pick_child(manifests[key], wanted, "%s (%s)" % (term, digest))
        digests.append(digest)
    return digests
