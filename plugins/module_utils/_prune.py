# -*- coding: utf-8 -*-
# Copyright (c) 2026 quaytools.tags contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

# FOR INTERNAL COLLECTION USE ONLY.
# The interfaces in this file are meant for use within the quaytools.tags collection
# and may not remain stable to outside uses. Changes may be made in ANY release.

"""Retention policy selection behind the quaytools.tags.prune_plan filter.

Pure Python: no I/O, no Ansible objects. ``now`` is an argument so the result is reproducible.
Errors are ``ValueError`` with a message that names the offending argument.

"Newest" means the latest ``start_ts``. Quay reports it in whole seconds but lists tags by milliseconds, newest
first, so tags pushed within one second tie: the order of the input (Quay's listing order) breaks the tie.

The decision for each active tag, first rule that applies wins:

1. ``protected``           its name matches a ``protect`` pattern: never touched, not a match.
2. Cosign tags of a manifest that has other tags (below): ``subject_kept``, ``immutable`` or ``prune``.
3. ``unmatched``           its name matches no ``match`` pattern.
4. ``newest``              among the ``keep_newest`` newest matches.
5. ``no_start``            the policy needs its age or rank but Quay reported no start time.
6. ``too_young``           started less than ``older_than`` before ``now``.
7. ``immutable``           the policy would remove it, but Quay refuses to delete an immutable tag (409).
8. ``protected_manifest``  points at the manifest of a protected tag (unless ``protect_manifests`` is false), or
                           is one of the last tags of a manifest whose protected, mutable Cosign tag Quay would
                           expire with them (whatever ``protect_manifests`` says).
9. ``prune``               everything else: it goes.

Cosign names the signature, attestation and SBOM of the image ``sha256:<hex>`` ``sha256-<hex>.sig``, ``.att`` and
``.sbom`` (each points at its own manifest). When the last other tag of ``sha256:<hex>`` goes, by a DELETE or a
move, Quay expires the mutable ones in the same request; immutable ones stay. So a Cosign tag whose manifest has
other active tags in the input (pointing at it, or at a manifest list that holds it) follows them: ``subject_kept``
while one of them stays, else ``immutable`` when it is immutable, else ``prune`` together with them. It is not a
match and does not count toward ``keep_newest``. A Cosign tag whose manifest has no such tag is judged like any
other tag. In the ``prune`` list a Cosign tag that goes comes before the tags of its manifest (see
``_followers_first``).
"""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import re
import time

from ansible_collections.quaytools.tags.plugins.module_utils._common import (
    parse_duration,
    parse_point_in_time,
)

DEFAULT_PROTECT = ("latest",)

RULES = ("protected", "unmatched", "newest", "no_start", "too_young", "immutable", "protected_manifest", "subject_kept",
         "prune")

# Quay's own pattern of the tags it expires with their manifest's last tag (lower-case hex only).
COSIGN_TAG_RE = re.compile(r"sha256-([a-f0-9]{64})\.(sig|att|sbom)\Z")
_COSIGN_KINDS = {"sig": "signature", "att": "attestation", "sbom": "SBOM"}


def _compile(patterns, option):
    if patterns is None:
        return []
    if isinstance(patterns, (str, bytes)):
        patterns = [patterns]
    try:
        patterns = list(patterns)
    except TypeError:
        raise ValueError("%s must be a list of regular expressions, got %r" % (option, patterns))
    compiled = []
    for pattern in patterns:
        if not isinstance(pattern, str) or pattern == "":
            raise ValueError("%s: %r is not a regular expression (a non-empty string)" % (option, pattern))
        try:
            compiled.append(re.compile(pattern))
        except re.error as exc:
            raise ValueError("%s: %r is not a valid regular expression: %s" % (option, pattern, exc))
    return compiled


def _first_match(compiled, name):
    for regex in compiled:
        if regex.fullmatch(name):
            return regex.pattern
    return None


def _seconds(value, option):
    """A duration (``30d``, ``2w``, ``1w2d``) or a number of seconds -> int seconds, or None for no limit."""
    if value is None or value == "":
        return None
    if isinstance(value, bool):
        raise ValueError("%s: %r is not a duration" % (option, value))
    if isinstance(value, (int, float)):
        if value <= 0:
            raise ValueError("%s: %r must be longer than zero" % (option, value))
        return int(value)
    text = str(value).strip()
    if text.isdigit():
        return _seconds(int(text), option)
    try:
        return parse_duration(text)
    except ValueError as exc:
        raise ValueError("%s: %s" % (option, exc))


def _count(value, option):
    if value is None or value == "":
        return 0
    if isinstance(value, bool):
        raise ValueError("%s: %r is not a number of tags" % (option, value))
    try:
        number = int(value)
    except (TypeError, ValueError):
        raise ValueError("%s: %r is not a number of tags" % (option, value))
    if number != value and str(number) != str(value).strip():
        raise ValueError("%s: %r is not a whole number of tags" % (option, value))
    if number < 0:
        raise ValueError("%s: %d must be zero or more" % (option, number))
    return number


def _now(value):
    if value is None or value == "":
        return time.time()
    try:
        return parse_point_in_time(value)
    except ValueError as exc:
        raise ValueError("now: %s" % exc)


def format_age(seconds):
    """Whole seconds -> a short human duration: ``41d2h``, ``3h5m``, ``40s``."""
    seconds = int(max(0, seconds))
    days, rest = divmod(seconds, 86400)
    hours, rest = divmod(rest, 3600)
    minutes, secs = divmod(rest, 60)
    if days:
        return "%dd%dh" % (days, hours) if hours else "%dd" % days
    if hours:
        return "%dh%dm" % (hours, minutes) if minutes else "%dh" % hours
    if minutes:
        return "%dm" % minutes
    return "%ds" % secs


def _is_active(row, now):
    if "active" in row:
        return bool(row["active"])
    end = row.get("end_ts")
    return end is None or end > now


def _start(row):
    start = row.get("start_ts")
    if start is None or isinstance(start, bool):
        return None
    try:
        return float(start)
    except (TypeError, ValueError):
        return None


def _active_rows(tags, now):
    """Active rows, one per name (the newest), newest first; ties keep the input's order (Quay's listing order)."""
    if tags is None:
        return []
    if isinstance(tags, dict) or isinstance(tags, (str, bytes)):
        raise ValueError("the input must be a list of tags (the tags of quaytools.tags.quay_tag_info), got %s"
                         % type(tags).__name__)
    rows = {}
    for index, row in enumerate(tags):
        if not isinstance(row, dict):
            raise ValueError("tag #%d of the input is not a dictionary: %r" % (index, row))
        name = row.get("name")
        if not isinstance(name, str) or not name:
            raise ValueError("tag #%d of the input has no name: %r" % (index, row))
        if not _is_active(row, now):
            continue
        current = rows.get(name)
        if current is None or (_start(row) or 0) > (_start(current[1]) or 0):
            rows[name] = (index, row)
    ordered = sorted(rows.values(), key=lambda item: (-(_start(item[1]) if _start(item[1]) is not None
                                                        else float("-inf")), item[0]))
    return [row for dummy, row in ordered]


def _is_immutable(row):
    return row.get("immutable") is True


def cosign_subject(name):
    """``sha256-<hex>.sig`` (``.att``, ``.sbom``) -> ``(sha256:<hex>, kind)``; None for any other name."""
    match = COSIGN_TAG_RE.match(name)
    if match is None:
        return None
    return "sha256:" + match.group(1), _COSIGN_KINDS[match.group(2)]


def _holders(rows):
    """manifest digest -> names of the non-Cosign tags that hold it.

    Tags that point at the manifest itself hold it when there are any: Quay expires the manifest's Cosign tags with
    the last of those, whatever manifest lists still have it as a child. A manifest that no tag points at directly is
    held by the tags of the lists that have it (``cosign sign --recursive`` signs such platform manifests).
    """
    direct = {}
    via_list = {}
    for row in rows:
        name = row["name"]
        if cosign_subject(name) is not None:
            continue
        digest = row.get("manifest_digest")
        if digest and name not in direct.setdefault(digest, []):
            direct[digest].append(name)
        children = row.get("child_manifests_presence")
        if isinstance(children, dict):
            for child in children:
                if name not in via_list.setdefault(child, []):
                    via_list[child].append(name)
    holders = dict(via_list)
    holders.update(direct)
    return holders


def plan(tags, match=None, older_than=None, keep_newest=0, protect=DEFAULT_PROTECT, protect_manifests=True, now=None):
    """Decide which tags a retention policy removes.

    ``tags``: rows as returned by quay_tag_info (or Quay's list API); inactive rows are ignored.
    Patterns (``match``, ``protect``) must match the whole tag name (``re.fullmatch``).

    Returns ``{"prune": [entry...], "keep": [entry...]}``, each entry
    ``{"name", "manifest_digest", "start_ts", "rule", "reason"}``, in Quay's order (newest first).
    """
    match_re = _compile(match, "match")
    if not match_re:
        raise ValueError("match: the policy matches nothing: give at least one regular expression of tags to "
                         "prune (use '.*' to consider every tag); an empty policy is refused rather than "
                         "pruning everything")
    protect_re = _compile(protect, "protect")
    max_age = _seconds(older_than, "older_than")
    keep = _count(keep_newest, "keep_newest")
    now = _now(now)
    if not isinstance(protect_manifests, bool):
        raise ValueError("protect_manifests: %r is not a boolean" % (protect_manifests,))

    rows = _active_rows(tags, now)
    holders = _holders(rows)

    decisions = {}
    protected_digests = {}
    shields = {}
    candidates = []
    followers = []
    for row in rows:
        name = row["name"]
        cosign = cosign_subject(name)
        pattern = _first_match(protect_re, name)
        if pattern is not None:
            decisions[name] = ("protected", "protected: matches protect pattern %r" % pattern)
            digest = row.get("manifest_digest")
            if digest:
                protected_digests.setdefault(digest, name)
            if cosign is not None and not _is_immutable(row):
                shields.setdefault(cosign[0], name)
            continue
        if cosign is not None and cosign[0] in holders:
            followers.append((row, cosign))
            continue
        pattern = _first_match(match_re, name)
        if pattern is None:
            decisions[name] = ("unmatched", "matches no prune pattern")
            continue
        candidates.append((row, pattern))

    _judge(candidates, decisions, keep, max_age, now)
    for row, dummy in candidates:
        digest = row.get("manifest_digest")
        if decisions[row["name"]][0] != "prune":
            continue
        if protect_manifests and digest and digest in protected_digests:
            decisions[row["name"]] = ("protected_manifest", "same manifest as protected tag %s" % protected_digests[digest])
    _shield(rows, shields, decisions)
    _follow(followers, holders, decisions)

    result = {"prune": [], "keep": []}
    for row in rows:
        rule, reason = decisions[row["name"]]
        entry = {
            "name": row["name"],
            "manifest_digest": row.get("manifest_digest"),
            "start_ts": row.get("start_ts"),
            "rule": rule,
            "reason": reason,
        }
        result["prune" if rule == "prune" else "keep"].append(entry)
    result["prune"] = _followers_first(result["prune"], holders)
    return result


def _followers_first(entries, holders):
    """Move each Cosign tag that goes just before the first (newest) tag of its manifest that goes with it.

    Deleted in list order, it is then removed by its own request; after the manifest's last tag it would already be
    gone, expired by Quay with that tag, and its DELETE would find nothing (a 404, a change a dry run counted).
    """
    ordered = list(entries)
    for entry in entries:
        cosign = cosign_subject(entry["name"])
        if cosign is None or cosign[0] not in holders:
            continue
        names = [item["name"] for item in ordered]
        first = min(names.index(name) for name in holders[cosign[0]] if name in names)
        here = names.index(entry["name"])
        if here > first:
            ordered.insert(first, ordered.pop(here))
    return ordered


def _judge(candidates, decisions, keep, max_age, now):
    """Rules newest, no_start, too_young and immutable for the matches, newest first; the rest is ``prune``."""
    total = len(candidates)
    for rank, (row, pattern) in enumerate(candidates, start=1):
        name = row["name"]
        start = _start(row)
        why = ["matches %r" % pattern]
        if keep:
            if start is None:
                decisions[name] = ("no_start", "start time unknown, so its rank among the newest is unknown")
                continue
            if rank <= keep:
                decisions[name] = ("newest", "one of the %d newest matches (#%d of %d)" % (keep, rank, total))
                continue
            why.append("not among the %d newest matches (#%d of %d)" % (keep, rank, total))
        if max_age is not None:
            if start is None:
                decisions[name] = ("no_start", "start time unknown, so its age is unknown")
                continue
            age = now - start
            if age < max_age:
                decisions[name] = ("too_young", "younger than %s (age %s)" % (format_age(max_age), format_age(age)))
                continue
            why.append("older than %s (age %s)" % (format_age(max_age), format_age(age)))
        decisions[name] = ("prune", ", ".join(why))
        if _is_immutable(row):
            decisions[name] = ("immutable", _immutable_reason(decisions[name][1]))


def _immutable_reason(would):
    return "immutable: Quay refuses to delete it (%s)" % would


def _shield(rows, shields, decisions):
    """Keep the last tags of a manifest whose protected, mutable Cosign tag Quay would expire with them."""
    for digest, protected in shields.items():
        direct = [row["name"] for row in rows
                  if row.get("manifest_digest") == digest and cosign_subject(row["name"]) is None]
        if direct and all(decisions[name][0] == "prune" for name in direct):
            for name in direct:
                decisions[name] = ("protected_manifest",
                                   "Quay would remove protected tag %s with the last tag of this manifest" % protected)


def _follow(followers, holders, decisions):
    """Cosign tags whose manifest has other tags: they stay while one of those stays, else they go with them."""
    for row, (subject, kind) in followers:
        holding = holders[subject]
        kept = [name for name in holding if decisions[name][0] != "prune"]
        if kept:
            decisions[row["name"]] = ("subject_kept", "%s of %s, which keeps tag %s" % (kind, subject, kept[0]))
            continue
        reason = "%s of %s, which loses its last tags (%s)" % (kind, subject, ", ".join(holding))
        if _is_immutable(row):
            decisions[row["name"]] = ("immutable", _immutable_reason(reason))
        else:
            decisions[row["name"]] = ("prune", reason)
