# -*- coding: utf-8 -*-
# Copyright (c) 2026 quaytools.tags contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

# FOR INTERNAL COLLECTION USE ONLY.
# The interfaces in this file are meant for use within the quaytools.tags collection
# and may not remain stable to outside uses. Changes may be made in ANY release.

"""Pure helpers shared by the modules: dates, expiration values, tag rows, and the pieces every logic module has.

Every logic module (_tag_state, _tag_info, _tag_restore) has one shape: ``parse_request(params, now)`` checks the
options into a Request (no I/O, ValueError naming the option), a read, ``make_plan(...)`` (no I/O, ``now`` passed
in, PlanError before any write), then the writes; ``run(task, now=None)`` chains them. The pieces they share live
here: PlanError, Request and ``checked``, PAGE_SIZE, LAST_SECOND_OF_9999 and the one check of epoch seconds.

Nothing here does I/O; every function takes ``now`` where time matters so it can be tested.
"""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import calendar
import math
import re
import time
from datetime import datetime, timedelta, timezone
from email.utils import parsedate_tz, mktime_tz

_DURATION_UNITS = {"s": 1, "m": 60, "h": 3600, "d": 86400, "w": 604800}
_DURATION_RE = re.compile(r"^\+?((?:\d+[smhdw])+)$")
_DURATION_PART_RE = re.compile(r"(\d+)([smhdw])")
_ISO_RE = re.compile(
    r"^(\d{4})-(\d{2})-(\d{2})"
    r"(?:[T ](\d{2}):(\d{2})(?::(\d{2})(?:\.(\d{1,9}))?)?)?"
    r"\s*(Z|z|[+-]\d{2}(?::?\d{2})?)?$"
)
_EPOCH_RE = re.compile(r"^\d{1,20}(?:\.\d+)?$")
_QUAY_DATE_RE = re.compile(r"(?:Mon|Tue|Wed|Thu|Fri|Sat|Sun), (\d\d) (Jan|Feb|Mar|Apr|May|Jun|Jul|Aug|Sep|Oct|Nov|Dec) "
                           r"([1-9]\d{3}) (\d\d):(\d\d):(\d\d) -0000\Z", re.ASCII)
_MONTHS = dict((name, index) for index, name in enumerate(
    ("Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"), 1))
# The last second Quay (and Python's datetime) can represent: 9999-12-31T23:59:59Z.
LAST_SECOND_OF_9999 = 253402300799
# Rows per page of a tag listing: the most Quay sends (it clamps ``limit`` to 1..100).
PAGE_SIZE = 100
# A number of epoch seconds past this (the year 5138) is a value in milliseconds, or a mistake, never a date meant
# for Quay: every option that takes a time refuses it (check_epoch_seconds).
EPOCH_SECONDS_MAX = 10 ** 11
_SECONDS_PER_YEAR = 365.2425 * 86400


class PlanError(ValueError):
    """What the task asks cannot be done (Quay would refuse it, or the tags say it is impossible): raised before any
    write, by every logic module's plan."""


class Request:
    """The checked options of one task, the shape of every logic module's request: the repository and the tag names
    every module has, and the module's own options, each declared with its default as a class attribute of the
    module's subclass (``Request(repository, names, option=value, ...)``; an undeclared option is a TypeError)."""

    def __init__(self, repository, names, **options):
        self.repository = repository
        self.names = list(names)
        for option, value in options.items():
            if not hasattr(type(self), option):
                raise TypeError("%s has no option %s" % (type(self).__name__, option))
            setattr(self, option, value)

    @property
    def name(self):
        """The one tag name of a task that takes one."""
        return self.names[0]


def begin(task, parse_request, now=None):
    """The first step of every logic module's ``run(task, now=None)``: ``(request, now)``, where ``now`` is the time the
    task plans with (the current time unless given) and ``request`` is ``parse_request(task.params, now)``; an option
    it refuses fails the task before any request is sent."""
    now = now_ts() if now is None else now
    try:
        request = parse_request(task.params, now)
    except ValueError as exc:
        task.fail(str(exc))
    return request, now


def checked(option, validate, value):
    """``validate(value)``, its ValueError prefixed with the option's name (what every ``parse_request`` says)."""
    try:
        return validate(value)
    except ValueError as exc:
        raise ValueError("%s: %s" % (option, exc))


def checked_names(option, validate, values):
    """A list option of tag names: each checked, duplicates dropped (first one kept), at least one. Raises ValueError."""
    names = []
    for value in [values] if isinstance(values, str) else values or []:
        checked(option, validate, value)
        if value not in names:
            names.append(value)
    if not names:
        raise ValueError("%s: give at least one tag name" % option)
    return names


def now_ts():
    """Current time in epoch seconds (float)."""
    return time.time()


def iso8601(epoch):
    """Epoch seconds -> ``YYYY-MM-DDTHH:MM:SSZ`` (UTC), or None."""
    if epoch is None:
        return None
    seconds = int(epoch)
    if 0 <= seconds <= LAST_SECOND_OF_9999:
        # time.gmtime is several times faster than datetime here (listings format two dates a row); datetime's
        # strftime formats the same fields the same way, and still raises for what it cannot represent.
        return time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime(seconds))
    return datetime.fromtimestamp(seconds, tz=timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ")


def parse_rfc2822(value):
    """Quay's ``Wed, 21 Aug 2024 18:42:54 -0000`` -> epoch seconds (int), or None."""
    if not value:
        return None
    match = _QUAY_DATE_RE.match(value) if isinstance(value, str) else None
    if match:
        # The exact shape Quay sends (email.utils.formatdate): the result parsedate_tz and mktime_tz give, faster.
        day, month, year, hour, minute, second = match.groups()
        return calendar.timegm((int(year), _MONTHS[month], int(day), int(hour), int(minute), int(second)))
    parsed = parsedate_tz(value)
    if parsed is None:
        return None
    return int(mktime_tz(parsed))


def parse_duration(text):
    """``1w2d``, ``+36h``, ``90m`` -> seconds (int). Raises ValueError."""
    match = _DURATION_RE.match(text.strip())
    if not match:
        raise ValueError("%r is not a duration like 2w, 36h, 1w2d or +90m" % text)
    seconds = 0
    for amount, unit in _DURATION_PART_RE.findall(match.group(1)):
        seconds += int(amount) * _DURATION_UNITS[unit]
    if seconds <= 0:
        raise ValueError("duration %r must be longer than zero" % text)
    return seconds


def parse_iso8601(text):
    """ISO 8601 date or date-time -> epoch seconds (float). Naive values are UTC. Raises ValueError."""
    match = _ISO_RE.match(text.strip())
    if not match:
        raise ValueError("%r is not an ISO 8601 date-time such as 2026-12-01T09:00:00Z" % text)
    year, month, day, hour, minute, second, fraction, zone = match.groups()
    try:
        moment = datetime(int(year), int(month), int(day), int(hour or 0), int(minute or 0), int(second or 0))
    except ValueError as exc:
        raise ValueError("%r is not a valid date-time: %s" % (text, exc))
    epoch = float(calendar.timegm(moment.timetuple()))
    if fraction:
        epoch += float("0." + fraction)
    if zone and zone not in ("Z", "z"):
        # +hh:mm, +hhmm or +hh
        sign = 1 if zone[0] == "+" else -1
        digits = zone[1:].replace(":", "")
        hours, minutes = int(digits[:2]), int(digits[2:] or 0)
        if hours > 23 or minutes > 59:
            raise ValueError("%r has no valid UTC offset: %s is not an offset such as +01:00, +0100 or +01" % (text, zone))
        epoch -= sign * timedelta(hours=hours, minutes=minutes).total_seconds()
    return epoch


def _as_date(number):
    """An 8-digit whole number that reads as a calendar date YYYYMMDD -> ``YYYY-MM-DD``, else None."""
    if number != int(number) or not 10000000 <= number <= 99999999:
        return None
    year, rest = divmod(int(number), 10000)
    month, day = divmod(rest, 100)
    try:
        return datetime(year, month, day).strftime("%Y-%m-%d")
    except ValueError:
        return None


def check_epoch_seconds(number):
    """The one check of a time given as a number, for every option that takes one: epoch seconds -> float.

    Refuses what cannot be meant as epoch seconds, saying what to write instead: values in milliseconds (past
    EPOCH_SECONDS_MAX), 8-digit dates such as ``20261201`` (which would be a second of 1970), instants before 1970,
    NaN and infinities. Raises ValueError; the caller puts the option's name in front of the message.
    """
    number = float(number)
    if math.isnan(number) or math.isinf(number):
        raise ValueError("%s is not a point in time: give epoch seconds or an ISO 8601 date-time such as "
                         "2026-12-01T09:00:00Z" % number)
    text = "%d" % number if number == int(number) else "%s" % number
    if number < 0:
        raise ValueError("%s is before %s: give epoch seconds or an ISO 8601 date-time such as 2026-12-01T09:00:00Z"
                         % (text, iso8601(0)))
    if number > EPOCH_SECONDS_MAX:
        seconds = int(number // 1000)
        message = "%s is not in epoch seconds: it would be the year %d" % (text, 1970 + number // _SECONDS_PER_YEAR)
        if seconds <= LAST_SECOND_OF_9999:
            raise ValueError("%s; if it is in milliseconds, give %d (%s)" % (message, seconds, iso8601(seconds)))
        raise ValueError("%s, and even in milliseconds it is no date: give epoch seconds or an ISO 8601 date-time such "
                         "as 2026-12-01T09:00:00Z" % message)
    date = _as_date(number)
    if date is not None:
        raise ValueError("%s is ambiguous: it reads as the date %s but as epoch seconds it is %s: write %s for the "
                         "date, or its epoch seconds %d" % (text, date, iso8601(number), date, parse_iso8601(date)))
    return number


def parse_point_in_time(value):
    """An ``at``-style value (epoch seconds as int/float/str, or ISO 8601) -> epoch seconds (float)."""
    if isinstance(value, bool):
        raise ValueError("%r is not a point in time" % (value,))
    if isinstance(value, (int, float)):
        return check_epoch_seconds(value)
    text = str(value).strip()
    if _EPOCH_RE.match(text):
        return check_epoch_seconds(text)
    return parse_iso8601(text)


class Expiration:
    """A parsed ``expiration`` option.

    ``kind`` is ``never`` (clear), ``absolute`` (``value`` = epoch seconds) or ``relative``
    (``value`` = seconds from now; the tag must expire no later than now + value).
    """

    def __init__(self, kind, value=None, text=None):
        self.kind = kind
        self.value = value
        self.text = text

    def __repr__(self):
        return "Expiration(%r, %r)" % (self.kind, self.value)


def parse_expiration(value):
    """Parse the ``expiration`` option. Raises ValueError with a message a user can act on."""
    if value is None:
        return None
    if isinstance(value, bool):
        raise ValueError("a boolean is not an expiration")
    if isinstance(value, (int, float)):
        return Expiration("absolute", check_epoch_seconds(value), str(value))
    text = str(value).strip()
    if text == "" or text.lower() == "never":
        return Expiration("never", None, text)
    if _EPOCH_RE.match(text):
        return Expiration("absolute", check_epoch_seconds(text), text)
    if _DURATION_RE.match(text):
        return Expiration("relative", parse_duration(text), text)
    try:
        return Expiration("absolute", parse_iso8601(text), text)
    except ValueError:
        raise ValueError(
            "%r is not an expiration: use epoch seconds, an ISO 8601 date-time (2026-12-01T09:00:00Z), "
            "a duration such as 2w, 36h or 1w2d, or 'never' to clear it" % text
        )


def row_is_active(row, now):
    """A Quay list row is alive when it has no end or its end is in the future."""
    end = row.get("end_ts")
    return end is None or end > now


def normalize_row(row, now):
    """A Quay list row -> the collection's tag dict (ISO 8601 dates, ``active``)."""
    start = row.get("start_ts")
    end = row.get("end_ts")
    out = {
        "name": row.get("name"),
        "manifest_digest": row.get("manifest_digest"),
        "active": row_is_active(row, now),
        "reversion": bool(row.get("reversion", False)),
        "start_ts": start,
        "end_ts": end,
        "last_modified": iso8601(parse_rfc2822(row.get("last_modified"))) if row.get("last_modified") else iso8601(start),
        "expiration": iso8601(parse_rfc2822(row.get("expiration"))) if row.get("expiration") else iso8601(end),
        "is_manifest_list": bool(row.get("is_manifest_list", False)),
        "size": row.get("size"),
    }
    if "immutable" in row:
        out["immutable"] = bool(row["immutable"])
    for key in ("is_sparse", "child_manifest_count", "present_child_count", "child_manifests_presence"):
        if key in row:
            out[key] = row[key]
    return out
