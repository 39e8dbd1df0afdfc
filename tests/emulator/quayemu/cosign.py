# -*- coding: utf-8 -*-
# Copyright (c) 2026 quaytools.tags contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

"""Cosign sibling tags: Quay ends ``<digest with - for :>.sig``, ``.att`` and ``.sbom`` with their subject.

Quay looks at names only, never at what the sibling points to. When a tag with an ordinary (not Cosign-shaped) name
is deleted, or moved off its manifest, and no other alive tag with an ordinary name is left on that manifest, the
alive, mutable siblings of the manifest end in the same request. Nothing else cascades: an expiration, the passing
of time, or deleting or moving a Cosign-named tag. tests/emulator/README.md (section Cosign sibling tags / Routing quirks) has the rules with the
tests that pin them.
"""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import re

COSIGN_SUFFIXES = (".sig", ".att", ".sbom")
COSIGN_NAME_RE = re.compile(r"sha256-[a-f0-9]{64}\.(?:sig|att|sbom)")


def is_cosign_name(name):
    """True for a tag named like a Cosign signature, attestation or SBOM (lower-case hex only)."""
    return COSIGN_NAME_RE.fullmatch(name) is not None


def keeps_subject(repo, digest, now):
    """Whether an alive tag with an ordinary name still points at ``digest`` (the $temp- rows do not count)."""
    for name in repo.by_digest.get(digest, ()):
        if not is_cosign_name(name) and repo.current[name].alive(now):
            return True
    return False


def expire_siblings(repo, digest, now):
    """End the alive, mutable siblings of ``digest`` unless an ordinary tag keeps it; returns how many ended.

    Each one gets its own end, counting down from ``now`` in name order, and skipping an end another row of the same
    name already has (Quay's history allows one row per name and end).
    """
    if keeps_subject(repo, digest, now):
        return 0
    prefix = digest.replace(":", "-")
    ended = 0
    offset = 0
    for name in sorted(prefix + suffix for suffix in COSIGN_SUFFIXES):
        row = repo.alive_tag(name, now)
        if row is None or row.immutable:
            continue
        taken = set(other.end_ms for other in repo.by_name.get(name, ()) if other is not row)
        while now - offset in taken:
            offset += 1
        repo.end_row(row, now - offset)
        offset += 1
        ended += 1
    return ended
