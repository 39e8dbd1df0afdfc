# -*- coding: utf-8 -*-
# Copyright (c) 2026 quaytools.tags contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

# FOR INTERNAL COLLECTION USE ONLY.
# The interfaces in this file are meant for use within the quaytools.tags collection
# and may not remain stable to outside uses. Changes may be made in ANY release.

"""What quay_tag reads from Quay before it plans: the tags it manages, whether a manifest can be tagged, whether the
server reports immutability, and whether it lets immutable tags expire. Each read as cheap as the question allows.
"""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

from ansible_collections.quaytools.tags.plugins.module_utils._client import QuayError, follow_pages
from ansible_collections.quaytools.tags.plugins.module_utils._common import PAGE_SIZE, PlanError
from ansible_collections.quaytools.tags.plugins.module_utils._rules import CAN_EXPIRE_FLAG, FlagReader, can_expire_from_config


def common_substring(names):
    """The longest substring shared by every name (used as Quay's like: filter, which matches a superset)."""
    shortest = min(names, key=len)
    for length in range(len(shortest), 1, -1):
        for start in range(0, len(shortest) - length + 1):
            candidate = shortest[start:start + length]
            if all(candidate in name for name in names):
                return candidate
    return None


def read_current(client, repository, names, now):
    """Active rows of ``names``: ``({name: row or None}, rows_seen)`` with as few GETs as the numbers allow.

    One name: one ``specificTag`` lookup. Several: active tags page by page (filtered with ``like:`` on the
    longest substring every name shares, which can only widen the match), stopping as soon as every name is
    found; once the names still missing are no more than the pages already read, they are looked up one by one.
    """
    wanted = set(names)
    found = {}
    rows_seen = []

    def keep(rows):
        for row in rows:
            rows_seen.append(row)
            end = row.get("end_ts")
            if row.get("name") in wanted and (end is None or end > now):
                found[row["name"]] = row

    if len(names) == 1:
        keep(client.list_tags(repository, specific_tag=names[0], only_active=True)["tags"])
    else:
        shared = common_substring(names)
        pages = follow_pages(client, repository, filter_tag_name=("like:" + shared) if shared else None,
                             only_active=True, limit=PAGE_SIZE)
        for page, data in enumerate(pages, 1):
            keep(data["tags"])
            missing = [name for name in names if name not in found]
            if not missing:
                break
            if len(missing) <= page and data.get("has_additional") and data["tags"]:
                for name in missing:
                    keep(client.list_tags(repository, specific_tag=name, only_active=True)["tags"])
                break
    return dict((name, found.get(name)) for name in names), rows_seen


def _references(row, digest):
    """Whether an active row makes ``digest`` taggable: it points at it, or at a manifest list that holds it (True or
    False), or None when the row is a manifest list whose children the server does not list (older Quay releases send
    no ``child_manifests_presence``)."""
    if row.get("manifest_digest") == digest:
        return True
    presence = row.get("child_manifests_presence")
    if isinstance(presence, dict):
        # A child the repository does not hold (a sparse manifest list) cannot be tagged.
        return presence.get(digest) is True
    if row.get("is_manifest_list"):
        return None
    return False


def digest_available(client, repository, digest, rows_seen, now):
    """Whether Quay would accept a PUT of ``digest``: an active tag (or active manifest list) references it.

    Looks in the rows already read first; otherwise pages through the active tags, stopping when found. Returns
    True, False, or None when only a manifest list whose children the server does not list could hold it.
    """
    unknown = False
    for row in rows_seen:
        if row.get("end_ts") is None or row["end_ts"] > now:
            answer = _references(row, digest)
            if answer:
                return True
            unknown = unknown or answer is None
    for data in follow_pages(client, repository, only_active=True, limit=PAGE_SIZE):
        for row in data["tags"]:
            answer = _references(row, digest)
            if answer:
                return True
            unknown = unknown or answer is None
    return None if unknown else False


def check_digests(client, request, plans, rows_seen, now, check_mode):
    """Fail before any write when a move targets a manifest Quay would refuse (404); return warnings.

    Only ``manifest_digest`` can name such a manifest (a source tag's manifest is alive by definition). In check
    mode this is what makes the prediction exact; in a real run it is needed only when another write would go
    first (the move's own 404 would otherwise stop the task before anything changed).
    """
    if request.manifest_digest is None:
        return []
    writes = [(plan, kind) for plan in plans for kind, _body in plan.writes]
    moves = [index for index, (_plan, kind) in enumerate(writes) if kind == "move"]
    if not moves or (not check_mode and moves[0] == 0):
        return []
    available = digest_available(client, request.repository, request.manifest_digest, rows_seen, now)
    if available is None:
        return ["manifest %s is not the manifest of an active tag of %s, and this Quay server does not list the children "
                "of its manifest lists (no child_manifests_presence), so whether Quay accepts it is known only when the "
                "tag is moved" % (request.manifest_digest, request.repository)]
    if not available:
        raise PlanError("manifest %s is not available in %s: Quay points a tag only at a manifest that an active tag "
                        "(or an active manifest list) of the repository references; for a manifest that only the tag "
                        "history references, use quaytools.tags.quay_tag_restore" % (request.manifest_digest, request.repository))
    return []


def immutability_reported(client, repository, rows_seen):
    """Whether the server reports per-tag immutability (Quay 3.17+ with FEATURE_IMMUTABLE_TAGS)."""
    if rows_seen:
        return any("immutable" in row for row in rows_seen)
    rows = client.list_tags(repository, limit=1)["tags"]
    return any("immutable" in row for row in rows) if rows else None


def can_expire_reader(client):
    """A FlagReader of FEATURE_IMMUTABLE_TAGS_CAN_EXPIRE: one ``GET /config``, sent only if a rule asks for the flag."""
    def read():
        try:
            return can_expire_from_config(client.server_config())
        except QuayError as exc:
            exc.message = ("could not learn whether this Quay server lets immutable tags expire (%s in Quay's /config), "
                           "which this task depends on: %s" % (CAN_EXPIRE_FLAG, exc.message))
            raise
    return FlagReader(read)
