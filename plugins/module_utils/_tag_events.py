# -*- coding: utf-8 -*-
# Copyright (c) 2026 quaytools.tags contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

# FOR INTERNAL COLLECTION USE ONLY.
# The interfaces in this file are meant for use within the quaytools.tags collection
# and may not remain stable to outside uses. Changes may be made in ANY release.

"""Tag events from two snapshots of a repository's active tags (the diffing of the tag_events event source).

Pure: no I/O, ``now`` is given. A snapshot maps a tag name to a small tuple, so that thousands of repositories fit
in memory: ``(digest, start_ts, end_ts, immutable, reversion, announced)``. Quay ends a tag's row and starts a new one
on every move or restore; expiration and immutability change the row in place. So, between two snapshots:

- a name that appears: ``created`` (``restored`` when its row is a reversion, that is made by a restore);
- a name whose row started again: ``restored`` (reversion row), ``moved`` (another digest), or, for a new row on the
  same digest, whatever expiration or immutability change it shows;
- a name that disappears: ``deleted`` (``reason`` ``expired`` when its expiration had passed);
- the same row: ``expiration_changed``, ``immutability_changed``;
- ``expiring``: once per row and expiration, when the expiration falls within the window.
"""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import sys

from ansible_collections.quaytools.tags.plugins.module_utils._common import iso8601

CHANGES = ("created", "moved", "deleted", "restored", "expiration_changed", "immutability_changed", "expiring")

DIGEST, START, END, IMMUTABLE, REVERSION, ANNOUNCED = range(6)


def _number(value):
    return int(value) if isinstance(value, (int, float)) and not isinstance(value, bool) else None


def snapshot(rows, now, window=None, previous=None):
    """Active rows of Quay's tag listing -> ``{name: state}``. Rows that ended by ``now`` are left out.

    ``announced`` carries over from ``previous`` for the same row and expiration, so ``expiring`` is sent once.
    """
    previous = previous or {}
    states = {}
    for row in rows:
        name = row.get("name")
        digest = row.get("manifest_digest")
        if not isinstance(name, str) or not isinstance(digest, str):
            continue
        end = _number(row.get("end_ts"))
        if end is not None and end <= now:
            continue
        start = _number(row.get("start_ts"))
        immutable = bool(row["immutable"]) if "immutable" in row else None
        old = previous.get(name)
        announced = bool(old is not None and old[START] == start and old[END] == end and old[ANNOUNCED])
        states[sys.intern(name)] = (sys.intern(digest), start, end, immutable, bool(row.get("reversion")), announced)
    return states


def _within(state, now, window):
    return window is not None and state[END] is not None and now < state[END] <= now + window


def mark_announced(states, now, window):
    """The first snapshot: tags already expiring within the window count as announced (nothing is sent for them)."""
    for name, state in states.items():
        if _within(state, now, window) and not state[ANNOUNCED]:
            states[name] = state[:ANNOUNCED] + (True,)
    return states


def make_event(change, repository, tag, new, old, now, host=None, ended=None):
    """One event: what changed, where, the digests and the times (epoch seconds and ISO 8601 UTC)."""
    current = new if new is not None else old
    if change == "deleted":
        at = ended if ended is not None else (old[END] if old[END] is not None and old[END] <= now else None)
    elif change in ("created", "moved", "restored"):
        at = new[START]
    else:
        at = None
    event = {
        "change": change,
        "repository": repository,
        "tag": tag,
        "digest": new[DIGEST] if new is not None else None,
        "old_digest": old[DIGEST] if old is not None else None,
        "immutable": current[IMMUTABLE],
        "reversion": bool(new is not None and new[REVERSION]),
        "start_ts": new[START] if new is not None else None,
        "end_ts": new[END] if new is not None else None,
        "old_end_ts": old[END] if old is not None else None,
        "expiration": iso8601(new[END]) if new is not None else None,
        "changed_at": iso8601(at),
        "detected_at": iso8601(now),
    }
    if change == "immutability_changed":
        event["old_immutable"] = old[IMMUTABLE]
    if change == "deleted":
        event["reason"] = "expired" if old[END] is not None and old[END] <= now else "deleted"
    if host:
        event["quay_host"] = host
    return event


def diff(repository, old, new, now, window=None, host=None):
    """The changes from snapshot ``old`` to ``new`` as ``(events, new)``: events sorted by tag, then kind.

    ``new`` comes back with the tags announced as ``expiring`` marked. ``deleted`` events carry no ``changed_at`` here
    unless the expiration explains them; the watcher asks Quay for the deletion time.
    """
    events = []
    for name in sorted(set(old) | set(new)):
        before = old.get(name)
        after = new.get(name)
        if after is None:
            events.append(make_event("deleted", repository, name, None, before, now, host))
            continue
        if before is None:
            events.append(make_event("restored" if after[REVERSION] else "created", repository, name, after, None, now, host))
        elif after[START] != before[START] and after[REVERSION]:
            events.append(make_event("restored", repository, name, after, before, now, host))
        elif after[START] != before[START] and after[DIGEST] != before[DIGEST]:
            events.append(make_event("moved", repository, name, after, before, now, host))
        else:
            # The same row, or a new row on the same digest (a tag written again): only its fields can tell.
            if after[END] != before[END]:
                events.append(make_event("expiration_changed", repository, name, after, before, now, host))
            if after[IMMUTABLE] != before[IMMUTABLE] and None not in (after[IMMUTABLE], before[IMMUTABLE]):
                events.append(make_event("immutability_changed", repository, name, after, before, now, host))
        if _within(after, now, window) and not after[ANNOUNCED]:
            events.append(make_event("expiring", repository, name, after, before, now, host))
            new[name] = after[:ANNOUNCED] + (True,)
    return events, new


def existing_events(repository, states, now, window=None, host=None):
    """Events for the tags of a first snapshot, when they are asked for: ``created`` (or ``restored``) for every tag,
    ``expiring`` for those within the window."""
    return diff(repository, {}, states, now, window, host)
