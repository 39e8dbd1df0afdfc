# -*- coding: utf-8 -*-
# Copyright (c) 2026 quaytools.tags contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

# FOR INTERNAL COLLECTION USE ONLY.
# The interfaces in this file are meant for use within the quaytools.tags collection
# and may not remain stable to outside uses. Changes may be made in ANY release.

"""Quay's tag policies (auto-prune, immutability) as data: validation and reconciliation. Pure: no I/O.

A policy is a dict in the collection's words: ``method``, ``value`` (auto-prune only), ``tag_pattern``,
``tag_pattern_matches``, plus ``uuid`` once Quay has it.

What Quay does and why the checks here are stricter (pinned by tests/unit/emulator/test_policies.py):

- auto-prune: Quay accepts a ``tagPattern`` that is not a regular expression, and ages such as ``-1d`` or ``0d``;
  its PUT does not check duplicates (a PUT can make two identical policies). A POST refuses an exact duplicate
  (method, value, pattern and pattern-matches all equal).
- immutability: one policy per ``tagPattern`` in a scope, whatever ``tagPatternMatches`` (POST and PUT refuse a
  second one); the pattern must compile and be at most 256 characters.
- both: Quay strips blanks around the pattern; ``tagPatternMatches`` defaults to true; policies created without a
  pattern (or stored by older versions) may read back ``tagPatternMatches: null``.

Reconciliation matches existing policies by content, never by uuid:

1. a listed policy equal in content to an existing one is kept (nothing sent);
2. one with the same identity (auto-prune: method, pattern and pattern-matches, so only the value differs;
   immutability: the pattern, so only pattern-matches differs) updates that policy in place (PUT);
3. with ``exclusive``, the policies still unlisted are updated into the listed ones still missing (PUT, fewest
   requests, one uuid kept), and the rest are deleted; without it they are left alone;
4. whatever is still missing is created (POST).

Writes go deletes first, then updates, then creates: the set only grows at the end, and a pattern a deleted
policy held is free before another policy takes it. No update can produce a duplicate: a listed policy equal to an
existing one always takes step 1, and the listed policies are distinct (checked).
"""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import re

METHODS = ("number_of_tags", "creation_date")
# A positive whole number and one unit: Quay parses int(value[:-1]) and the last letter, so it also takes -1d, 0d,
# " 7d" or 1_0d; none of those is an age a person means.
AGE_RE = re.compile(r"^[1-9][0-9]*[smhdwy]\Z")
SIGNED_AGE_RE = re.compile(r"^[+-]?[0-9]+[smhdwy]\Z")
COUNT_RE = re.compile(r"^[0-9]+\Z")
MAX_IMMUTABILITY_PATTERN = 256


def _where(index, option):
    return "policies[%d].%s" % (index, option)


def _check_pattern(pattern, index, required, max_length=None):
    where = _where(index, "tag_pattern")
    if pattern is None:
        if required:
            raise ValueError("%s: missing: give the regular expression of the tag names the policy is about, "
                             "such as ^v[0-9].*" % where)
        return None
    if not isinstance(pattern, str):
        raise ValueError("%s: %r is not a regular expression: give a string such as ^v[0-9].*" % (where, pattern))
    if not pattern.strip():
        hint = "" if required else ", or leave tag_pattern out for a policy on every tag"
        raise ValueError("%s: empty: give a regular expression such as ^v[0-9].*%s" % (where, hint))
    if pattern != pattern.strip():
        raise ValueError("%s: %r has blanks at its start or end, which Quay strips: remove them" % (where, pattern))
    if max_length is not None and len(pattern) > max_length:
        raise ValueError("%s: %d characters, more than the %d Quay allows: shorten it" % (where, len(pattern), max_length))
    try:
        re.compile(pattern)
    except re.error as exc:
        raise ValueError("%s: %r is not a valid regular expression (%s): fix it; Quay would store it, but could never "
                         "match a tag with it" % (where, pattern, exc))
    return pattern


def _check_matches(matches, pattern, index):
    where = _where(index, "tag_pattern_matches")
    if matches is None:
        return True
    if not isinstance(matches, bool):
        raise ValueError("%s: %r is not a boolean: use true or false" % (where, matches))
    if pattern is None and not matches:
        raise ValueError("%s: false needs a tag_pattern (the policy is then about the tags that do not match it)" % where)
    return matches


def _check_value(method, value, index):
    where = _where(index, "value")
    if value is None or (isinstance(value, str) and not value.strip()):
        raise ValueError("%s: missing: give the number of tags to keep (number_of_tags, such as 10) or the age of the "
                         "tags to prune (creation_date, such as 7d)" % where)
    if method == "number_of_tags":
        count = None
        if isinstance(value, bool):
            count = None
        elif isinstance(value, int):
            count = value
        elif isinstance(value, float) and value.is_integer():
            count = int(value)
        elif isinstance(value, str) and COUNT_RE.match(value.strip()):
            count = int(value.strip())
        if count is None:
            raise ValueError("%s: %r is not a number of tags: give a whole number such as 10" % (where, value))
        if count < 1:
            raise ValueError("%s: %d: keep at least 1 tag; to stop pruning, remove the policy" % (where, count))
        return count
    if not isinstance(value, str) or not AGE_RE.match(value):
        if isinstance(value, str) and SIGNED_AGE_RE.match(value.strip()):
            raise ValueError("%s: %r is not a positive age: Quay would accept it, and an age of zero or less selects "
                             "every matching tag; give a positive age such as 7d" % (where, value))
        raise ValueError("%s: %r is not an age: give a positive whole number and one unit, s, m, h, d, w or y, "
                         "such as 7d or 4w (no sign, no blanks, one unit)" % (where, value))
    return value


class AutoPruneKind:
    """Auto-prune policies: keep a number of tags, or prune tags older than an age."""

    name = "auto-prune"
    route = "autoprunepolicy"
    fields = ("method", "value", "tag_pattern", "tag_pattern_matches")

    @staticmethod
    def validate(item, index):
        if not isinstance(item, dict):
            raise ValueError("policies[%d]: %r is not a policy: give a dict with method and value" % (index, item))
        method = item.get("method")
        if method not in METHODS:
            raise ValueError("%s: %r is not a method Quay knows: use number_of_tags (keep that many of the newest tags) "
                             "or creation_date (prune tags older than value)" % (_where(index, "method"), method))
        pattern = _check_pattern(item.get("tag_pattern"), index, required=False)
        return {"method": method, "value": _check_value(method, item.get("value"), index), "tag_pattern": pattern,
                "tag_pattern_matches": _check_matches(item.get("tag_pattern_matches"), pattern, index)}

    @staticmethod
    def identity(policy):
        """What makes two policies the same policy: only the value may differ."""
        pattern = policy.get("tag_pattern")
        matches = None if pattern is None else policy.get("tag_pattern_matches") is not False
        return (policy.get("method"), pattern, matches)

    @classmethod
    def content(cls, policy):
        return cls.identity(policy) + (policy.get("value"),)

    @staticmethod
    def family(policy):
        return policy.get("method")

    @staticmethod
    def conflict(first, second, policy):
        return ("policies[%d] and policies[%d] both prune %s by %s: only the stricter value ever acts, so keep one"
                % (first, second, describe_selection(policy), policy["method"]))

    @staticmethod
    def to_api(policy):
        body = {"method": policy["method"], "value": policy["value"]}
        if policy.get("tag_pattern") is not None:
            body["tagPattern"] = policy["tag_pattern"]
            body["tagPatternMatches"] = bool(policy["tag_pattern_matches"])
        return body

    @staticmethod
    def from_api(item):
        return {"uuid": item.get("uuid"), "method": item.get("method"), "value": item.get("value"),
                "tag_pattern": item.get("tagPattern"), "tag_pattern_matches": item.get("tagPatternMatches")}

    @staticmethod
    def stored(policy):
        """What Quay reads back for a policy it was sent: tagPatternMatches defaults to true."""
        out = dict(policy)
        out["tag_pattern_matches"] = policy.get("tag_pattern_matches") is not False
        return out


class ImmutabilityKind:
    """Immutability policies: the tags whose names match (or do not match) a pattern become immutable."""

    name = "immutability"
    route = "immutabilitypolicy"
    fields = ("tag_pattern", "tag_pattern_matches")

    @staticmethod
    def validate(item, index):
        if not isinstance(item, dict):
            raise ValueError("policies[%d]: %r is not a policy: give a dict with tag_pattern" % (index, item))
        pattern = _check_pattern(item.get("tag_pattern"), index, required=True, max_length=MAX_IMMUTABILITY_PATTERN)
        return {"tag_pattern": pattern, "tag_pattern_matches": _check_matches(item.get("tag_pattern_matches"), pattern, index)}

    @staticmethod
    def identity(policy):
        """Quay keeps one policy per pattern in a scope."""
        return (policy.get("tag_pattern"),)

    @classmethod
    def content(cls, policy):
        return cls.identity(policy) + (policy.get("tag_pattern_matches") is not False,)

    @staticmethod
    def family(policy):
        return None

    @staticmethod
    def conflict(first, second, policy):
        return ("policies[%d] and policies[%d] both have tag_pattern %r: Quay keeps one policy per pattern, so keep one"
                % (first, second, policy["tag_pattern"]))

    @staticmethod
    def to_api(policy):
        return {"tagPattern": policy["tag_pattern"], "tagPatternMatches": bool(policy["tag_pattern_matches"])}

    @staticmethod
    def from_api(item):
        return {"uuid": item.get("uuid"), "tag_pattern": item.get("tagPattern"),
                "tag_pattern_matches": item.get("tagPatternMatches")}

    @staticmethod
    def stored(policy):
        out = dict(policy)
        out["tag_pattern_matches"] = policy.get("tag_pattern_matches") is not False
        return out


AUTOPRUNE = AutoPruneKind()
IMMUTABILITY = ImmutabilityKind()


def describe_selection(policy):
    pattern = policy.get("tag_pattern")
    if pattern is None:
        return "every tag"
    return "the tags %s %r" % ("matching" if policy.get("tag_pattern_matches") is not False else "not matching", pattern)


def validate_policies(kind, items, state):
    """The ``policies`` option, checked before any request: a list of policies in the collection's words.

    For ``state=present`` two policies with one identity are refused (Quay would refuse one of them, or keep both
    where only one can act); for ``state=absent`` exact repeats are merged.
    """
    if items is None:
        raise ValueError("policies: missing: list the policies (an empty list with exclusive: true removes them all)")
    if not isinstance(items, list):
        raise ValueError("policies: give a list of policies, not %r" % (items,))
    policies = []
    seen = {}
    for index, item in enumerate(items):
        policy = kind.validate(item, index)
        key = kind.identity(policy) if state == "present" else kind.content(policy)
        if key in seen:
            if state == "present":
                if kind.content(policies[seen[key]]) == kind.content(policy):
                    raise ValueError("policies[%d] repeats policies[%d]: list each policy once" % (index, seen[key]))
                raise ValueError(kind.conflict(seen[key], index, policy))
            continue
        seen[key] = len(policies)
        policies.append(policy)
    return policies


class Change:
    """One write: ``create`` (before None), ``update`` or ``delete`` (after None)."""

    def __init__(self, action, before, after):
        self.action = action
        self.before = before
        self.after = after

    @property
    def uuid(self):
        return (self.before or self.after or {}).get("uuid")

    def __repr__(self):
        return "Change(%s, %r, %r)" % (self.action, self.before, self.after)


def _take(candidates, predicate):
    for position, candidate in enumerate(candidates):
        if predicate(candidate):
            return candidates.pop(position)
    return None


def plan_changes(kind, existing, desired, state="present", exclusive=False):
    """Decide the writes. Returns ``(changes, after)``: the writes in the order to send them, and the policies as Quay
    will list them afterwards (a created policy has ``uuid`` None until it exists)."""
    existing = [dict(p) for p in existing]
    if state == "absent":
        wanted = set(kind.content(p) for p in desired)
        gone = [p for p in existing if kind.content(p) in wanted]
        return [Change("delete", p, None) for p in gone], [p for p in existing if kind.content(p) not in wanted]
    remaining = list(existing)
    missing = []
    for policy in desired:
        if _take(remaining, lambda p, policy=policy: kind.content(p) == kind.content(policy)) is None:
            missing.append(policy)
    # Each pass pairs every listed policy still missing before the next, looser pass runs: same identity, then (with
    # exclusive) same family, then any policy still unlisted.
    targets = {}
    passes = [lambda p, policy: kind.identity(p) == kind.identity(policy)]
    if exclusive:
        passes += [lambda p, policy: kind.family(p) == kind.family(policy), lambda p, policy: True]
    for same in passes:
        for index, policy in enumerate(missing):
            if index not in targets:
                target = _take(remaining, lambda p, policy=policy, same=same: same(p, policy))
                if target is not None:
                    targets[index] = target
    updates = []
    creates = []
    for index, policy in enumerate(missing):
        target = targets.get(index)
        if target is None:
            creates.append(Change("create", None, kind.stored(dict(policy, uuid=None))))
        else:
            updates.append(Change("update", target, kind.stored(dict(policy, uuid=target.get("uuid")))))
    deletes = [Change("delete", p, None) for p in remaining] if exclusive else []
    replaced = dict((id(c.before), c.after) for c in updates)
    dropped = set(id(c.before) for c in deletes)
    after = [replaced.get(id(p), p) for p in existing if id(p) not in dropped] + [c.after for c in creates]
    return deletes + updates + creates, after


def covers(policy, name):
    """Whether an immutability policy makes a tag of this name immutable: its pattern matches the whole name (or, with
    ``tag_pattern_matches`` false, does not)."""
    return bool(re.fullmatch(policy["tag_pattern"], name)) == (policy.get("tag_pattern_matches") is not False)


def covering_policy(policies, name):
    """The first immutability policy that covers ``name``, or None."""
    for policy in policies:
        if covers(policy, name):
            return policy
    return None


def public(kind, policy):
    """A policy as the modules return it: uuid first, then the fields."""
    out = {"uuid": policy.get("uuid")}
    for field in kind.fields:
        out[field] = policy.get(field)
    return out


def diff_view(kind, policies):
    """The policy set for ``--diff``: content only (a policy's uuid is not known before Quay creates it)."""
    return [dict((field, p.get(field)) for field in kind.fields) for p in policies]
