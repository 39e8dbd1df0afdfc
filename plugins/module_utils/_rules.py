# -*- coding: utf-8 -*-
# Copyright (c) 2026 quaytools.tags contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

# FOR INTERNAL COLLECTION USE ONLY.
# The interfaces in this file are meant for use within the quaytools.tags collection
# and may not remain stable to outside uses. Changes may be made in ANY release.

"""Quay's rules for tag writes, in one place: what it stores and what it refuses (pure functions, no I/O).

What a real Quay server does (recorded against its code; the tests in tests/unit/plugins/module_utils/test_rules.py
pin each point). Each rule is mirrored, step for step, by the emulator module named after it (tests/emulator/quayemu/;
tests/emulator/README.md has the table of each behaviour with its conformance test):

- An expiration is clamped to between 1 hour and 104 weeks after the start of the tag's row (``clamp_expiration``,
  ``expiration_cap_passed``; emulator: ``tags_write.clamped_end``).
- One ``PUT .../tag/{tag}`` applies its fields one after the other, expiration first, then ``immutable``, then
  ``manifest_digest``, and keeps what it applied when a later field is refused (there is no rollback)
  (``check_writes``; emulator: ``tags_write.change_tag``).
- A tag that is not active cannot get an expiration or ``immutable`` (404), not even in the PUT that creates it
  (``_put_refusal``; emulator: ``tags_write.change_tag``).
- With ``FEATURE_IMMUTABLE_TAGS_CAN_EXPIRE`` off (Quay's default), a future expiration on an immutable tag is
  refused (400), and so is ``immutable: true`` on a tag that has an expiration (400). Clearing the expiration
  (``expiration: null``) is always allowed, so ``{"expiration": null, "immutable": true}`` locks an expiring tag
  (``_put_refusal``, the flag read by ``FlagReader`` / ``can_expire_from_config``; emulator: ``tags_write.change_tag``,
  the flag in ``settings.py`` and ``server_config.py`` for ``/config``).
- A row a create, move or restore opens is immutable when an immutability policy of the repository or namespace covers
  the name (``_put_refusal`` with ``locks``, the policies read by _policy_locks; emulator:
  ``policies.PolicyStore.makes_immutable``, asked by ``tags_write.retarget``).
- Moving or deleting an immutable tag is refused (409) (``_put_refusal``, ``check_writes``; emulator:
  ``tags_write.change_tag``, ``tags_write.delete_tag``), and so is restoring over one (``restore_refused``; emulator:
  ``tags_write.restore_tag``).
- Who may do what (tokens, scopes, roles) is not a rule of this file: the client words Quay's 401/403 answers
  (_client); the emulator's rules are ``permissions.py`` and ``pipeline.py``.

``overwrite_refused`` is the collection's own rule (the ``overwrite`` option), not Quay's. ``check_writes`` plays a
tag's planned writes through these rules, so a plan is refused before the first write instead of failing half-way.
"""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

from ansible_collections.quaytools.tags.plugins.module_utils._common import iso8601

# Quay clamps a requested expiration to [row start + 1 hour, row start + 104 weeks]
# (LABELED_EXPIRATION_MINIMUM / LABELED_EXPIRATION_MAXIMUM defaults).
EXPIRATION_MIN_OFFSET = 3600
EXPIRATION_MAX_OFFSET = 104 * 7 * 24 * 3600

CAN_EXPIRE_FLAG = "FEATURE_IMMUTABLE_TAGS_CAN_EXPIRE"
IMMUTABLE_WAY_OUT = ("give expiration: never together with immutable: true (Quay then clears the expiration and locks the "
                     "tag in one request), or enable %s on the Quay server" % CAN_EXPIRE_FLAG)


def clamp_expiration(start_ts, requested):
    """What Quay stores for ``requested`` on a row that started at ``start_ts`` (both epoch seconds)."""
    requested = int(requested)
    start_ts = int(start_ts)
    offset = requested - start_ts
    offset = max(EXPIRATION_MIN_OFFSET, min(EXPIRATION_MAX_OFFSET, offset))
    return start_ts + offset


def expiration_cap_passed(name, start, now):
    """The refusal for an expiration on a row older than 104 weeks (Quay would store a past date), or None."""
    if start is None or now - start <= EXPIRATION_MAX_OFFSET:
        return None
    return ("%s started on %s, more than 104 weeks ago: Quay caps an expiration at start + 104 weeks, which is in the "
            "past, so the tag would expire at once; delete it instead" % (name, iso8601(start)))


def overwrite_refused(name, current_digest, target):
    """The refusal for moving an existing tag when ``overwrite`` is false."""
    return "%s points to %s, not %s, and overwrite is false" % (name, current_digest, target)


def restore_refused(name, repository, active_row, target):
    """The refusal for restoring ``name`` onto ``target`` over an immutable active row (Quay's 409), or None."""
    if active_row is None or not active_row.get("immutable") or active_row.get("manifest_digest") == target:
        return None
    return ("tag %s in %s is immutable: Quay refuses to restore over it (HTTP 409). Clear it first with "
            "quaytools.tags.quay_tag immutable: false (needs a repo:admin token)" % (name, repository))


class TagFacts:
    """What Quay's refusal rules look at in one tag: whether it is active, immutable, and has an expiration; and whether
    its row is one this plan's move opens (which an immutability policy may make immutable)."""

    def __init__(self, active, immutable=False, expires=False, new_row=False):
        self.active = active
        self.immutable = immutable
        self.expires = expires
        self.new_row = new_row

    @classmethod
    def of_row(cls, row):
        """The facts of an active list row (None: the tag is not active)."""
        if row is None:
            return cls(False)
        return cls(True, bool(row.get("immutable")), row.get("end_ts") is not None)

    def copy(self):
        return TagFacts(self.active, self.immutable, self.expires, self.new_row)


class FlagReader:
    """``FEATURE_IMMUTABLE_TAGS_CAN_EXPIRE`` of the server, read at most once and only when a rule needs it.

    ``read`` returns True, False, or None when the server does not say; it may raise (the caller's error).
    """

    def __init__(self, read):
        self._read = read
        self._value = None
        self.asked = False

    def __call__(self):
        if not self.asked:
            self._value = self._read()
            self.asked = True
        return self._value

    def allows(self):
        """Whether immutable tags may expire on this server (unknown counts as Quay's default: no)."""
        return self() is True

    def off_because(self):
        """Why the rule applies, for a message."""
        if self() is None:
            return "this Quay server does not say whether immutable tags may expire (no %s in its /config), so Quay's " \
                   "default applies: they may not" % CAN_EXPIRE_FLAG
        return "this Quay server does not let immutable tags expire (%s is off)" % CAN_EXPIRE_FLAG


def can_expire_from_config(config):
    """``FEATURE_IMMUTABLE_TAGS_CAN_EXPIRE`` from the body of Quay's ``GET /config``: True, False, or None when absent.

    Quay lists it as ``features.IMMUTABLE_TAGS_CAN_EXPIRE`` and again as ``config.FEATURE_IMMUTABLE_TAGS_CAN_EXPIRE``.
    """
    for section, key in (("features", "IMMUTABLE_TAGS_CAN_EXPIRE"), ("config", CAN_EXPIRE_FLAG)):
        values = config.get(section) if isinstance(config, dict) else None
        if isinstance(values, dict) and isinstance(values.get(key), bool):
            return values[key]
    return None


def _put_refusal(name, facts, body, flag, locks=None):
    """Apply one PUT body to ``facts`` the way Quay does; return the refusal message or None (``facts`` updated).

    ``locks(name)``, when given, names the immutability policy that makes a new row of that tag immutable (or None):
    Quay applies the policies of the repository and of its namespace to every row a move or create opens.
    """
    if "expiration" in body:
        if not facts.active:
            return "%s: Quay sets an expiration only on an active tag" % name
        # A row this plan opens may be locked by an immutability policy; asked only where it decides the outcome (the
        # expiration would be refused, and no immutable: true in the same PUT is refused anyway).
        if (body["expiration"] is not None and facts.new_row and not facts.immutable and locks is not None
                and not body.get("immutable") and not flag.allows()):
            lock = locks(name)
            if lock is not None:
                return ("%s would be made immutable by %s as soon as this task points it at its manifest, and %s, so "
                        "Quay would refuse to give it an expiration: leave expiration out for this tag, or enable %s "
                        "on the Quay server" % (name, lock, flag.off_because(), CAN_EXPIRE_FLAG))
        if body["expiration"] is not None and facts.immutable and not flag.allows():
            return ("%s is immutable and %s, so Quay would refuse to give it an expiration: leave it out of name, clear its "
                    "immutability with immutable: false (needs repo:admin), or enable %s on the Quay server"
                    % (name, flag.off_because(), CAN_EXPIRE_FLAG))
        facts.expires = body["expiration"] is not None
    if "immutable" in body:
        if not facts.active:
            return "%s: Quay makes only an active tag immutable" % name
        if body["immutable"] and not facts.immutable and facts.expires and not flag.allows():
            what = "would get an expiration in this task" if body.get("expiration") is not None else "has an expiration"
            return ("%s %s, and %s, so Quay would refuse to make it immutable: %s"
                    % (name, what, flag.off_because(), IMMUTABLE_WAY_OUT))
        facts.immutable = bool(body["immutable"])
    if "manifest_digest" in body:
        if facts.immutable:
            return "%s is immutable and would have to move: set immutable: false to allow it (needs repo:admin)" % name
        # The move opens a new row: mutable (unless an immutability policy covers the name), without an expiration.
        facts.active, facts.immutable, facts.expires, facts.new_row = True, False, False, True
    return None


def check_writes(name, facts, writes, flag, locks=None):
    """Play the planned writes of one tag, in order, through Quay's rules.

    ``facts`` is the tag before the writes (TagFacts), ``writes`` a list of ``(kind, body)`` where kind ``delete``
    is a DELETE and every other kind a PUT with ``body``; ``flag`` a FlagReader (asked only when a rule needs it);
    ``locks`` the immutability policies (_policy_locks.PolicyLocks, asked only for a new row that gets an expiration).
    Returns the message of the first write Quay would refuse, or None when it would accept them all.
    """
    facts = facts.copy()
    for kind, body in writes:
        if kind == "delete":
            if facts.immutable:
                return "%s is immutable: clear it first with quay_tag immutable: false (needs repo:admin)" % name
            facts = TagFacts(False)
            continue
        problem = _put_refusal(name, facts, body, flag, locks)
        if problem is not None:
            return problem
    return None
