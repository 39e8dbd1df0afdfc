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

The decision for each active tag, first rule that applies wins:

1. ``protected``           its name matches a ``protect`` pattern: never touched, not a match.
2. ``unmatched``           its name matches no ``match`` pattern.
3. ``newest``              among the ``keep_newest`` newest matches (by ``start_ts``, then name).
4. ``no_start``            the policy needs its age or rank but Quay reported no start time.
5. ``too_young``           started less than ``older_than`` before ``now``.
6. ``protected_manifest``  points at the manifest of a protected tag (unless ``protect_manifests`` is false).
7. ``prune``               everything else: it goes.
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

RULES = ("protected", "unmatched", "newest", "no_start", "too_young", "protected_manifest", "prune")


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
    """Active rows, one per name (the newest), in Quay's order: newest start first, then name."""
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
        if current is None or (_start(row) or 0) > (_start(current) or 0):
            rows[name] = row
    return sorted(rows.values(), key=lambda r: (-(_start(r) if _start(r) is not None else float("-inf")), r["name"]))


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

    decisions = {}
    protected_digests = {}
    candidates = []
    for row in rows:
        name = row["name"]
        pattern = _first_match(protect_re, name)
        if pattern is not None:
            decisions[name] = ("protected", "protected: matches protect pattern %r" % pattern)
            digest = row.get("manifest_digest")
            if digest:
                protected_digests.setdefault(digest, name)
            continue
        pattern = _first_match(match_re, name)
        if pattern is None:
            decisions[name] = ("unmatched", "matches no prune pattern")
            continue
        candidates.append((row, pattern))

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
        digest = row.get("manifest_digest")
        if protect_manifests and digest and digest in protected_digests:
            decisions[name] = ("protected_manifest",
                               "same manifest as protected tag %s" % protected_digests[digest])
            continue
        decisions[name] = ("prune", ", ".join(why))

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
    return result
