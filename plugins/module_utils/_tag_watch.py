# -*- coding: utf-8 -*-
# Copyright (c) 2026 quaytools.tags contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

# FOR INTERNAL COLLECTION USE ONLY.
# The interfaces in this file are meant for use within the quaytools.tags collection
# and may not remain stable to outside uses. Changes may be made in ANY release.

"""The polling side of the tag_events event source: its arguments, and one poll of one repository or namespace.

Everything here blocks (HTTP through QuayClient); the event source runs it in worker threads, one QuayClient per
thread. Per repository only the active tags are kept (see _tag_events), so memory grows with the number of tags
watched, not with time. A repository that fails is retried after a growing delay, alone; the others go on.
"""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import time

from ansible_collections.quaytools.tags.plugins.module_utils._client import QuayError, validate_repository
from ansible_collections.quaytools.tags.plugins.module_utils._common import iso8601, parse_duration
from ansible_collections.quaytools.tags.plugins.module_utils._connection import connection_problem, make_client
from ansible_collections.quaytools.tags.plugins.module_utils._repositories import (
    iter_repositories,
    repository_name,
    validate_namespace,
)
from ansible_collections.quaytools.tags.plugins.module_utils._tag_events import (
    CHANGES,
    diff,
    existing_events,
    mark_announced,
    snapshot,
)

SOURCE = "quaytools.tags.tag_events"
DEFAULTS = {"interval": 60, "expiring_within": None, "report_existing": False, "concurrency": 4, "max_backoff": 600,
            "validate_certs": True, "ca_path": None, "timeout": 30, "retries": 3}
ENVIRONMENT = {"quay_host": "QUAY_HOST", "quay_token": "QUAY_TOKEN", "validate_certs": "QUAY_VALIDATE_CERTS",
               "ca_path": "QUAY_CA_PATH", "timeout": "QUAY_TIMEOUT", "retries": "QUAY_RETRIES"}
ARGUMENTS = ("repositories", "namespaces", "changes") + tuple(DEFAULTS) + ("quay_host", "quay_token")
MAX_CONCURRENCY = 16
# A misconfiguration, not a passing fault: the source stops with the message.
FATAL_KINDS = ("auth", "tls", "redirect")
# Fatal on the first poll of a repository named in the arguments (a typo, a token without access); later, a passing state.
FIRST_POLL_FATAL_KINDS = ("not_found", "permission")


class SourceArgumentError(ValueError):
    """A bad argument of the event source; ``str()`` names the argument and the fix."""


class WatchFailure(Exception):
    """An error the source cannot go on after (wrong token, TLS, a listed repository that is not there)."""


def _fail(name, text):
    raise SourceArgumentError("%s: %s: %s" % (SOURCE, name, text))


def _names(args, name, validate):
    value = args.get(name)
    if value is None:
        return []
    if isinstance(value, str):
        value = [value]
    if not isinstance(value, (list, tuple)):
        _fail(name, "give a list, for example [myorg/app]" if name == "repositories" else "give a list of namespaces")
    out = []
    for item in value:
        try:
            out.append(validate(item))
        except ValueError as exc:
            _fail(name, str(exc))
    return list(dict.fromkeys(out))


def _seconds(args, name, allow_none=False):
    value = args.get(name)
    if value is None and allow_none:
        return None
    if isinstance(value, bool):
        _fail(name, "%r is not a number of seconds" % (value,))
    if isinstance(value, str):
        text = value.strip()
        try:
            value = float(text) if text.replace(".", "", 1).isdigit() else parse_duration(text)
        except ValueError as exc:
            _fail(name, "%s (or give a number of seconds)" % exc)
    if not isinstance(value, (int, float)) or value <= 0:
        _fail(name, "%r is not a positive number of seconds or a duration such as 30s, 5m or 1d" % (value,))
    return float(value)


def _bool(args, name):
    value = args.get(name)
    if isinstance(value, bool):
        return value
    text = str(value).strip().lower()
    if text in ("true", "yes", "on", "1"):
        return True
    if text in ("false", "no", "off", "0"):
        return False
    return _fail(name, "%r is not a boolean: use true or false" % (value,))


def _integer(args, name, low, high):
    value = args.get(name)
    try:
        number = int(value) if not isinstance(value, bool) and float(value) == int(float(value)) else None
    except (TypeError, ValueError):
        number = None
    if number is None or not low <= number <= high:
        _fail(name, "%r is not a whole number from %d to %d" % (value, low, high))
    return number


def parse_arguments(args, environ):
    """The source's arguments, checked and with defaults (connection options fall back to QUAY_* variables).

    Raises SourceArgumentError, before any request, naming the argument and the fix.
    """
    if not isinstance(args, dict):
        raise SourceArgumentError("%s: the arguments must be a mapping" % SOURCE)
    unknown = sorted(key for key in args if key not in ARGUMENTS and not str(key).startswith("eda_"))
    if unknown:
        raise SourceArgumentError("%s: unknown argument(s) %s: the arguments are %s" % (
            SOURCE, ", ".join(map(str, unknown)), ", ".join(sorted(ARGUMENTS))))
    merged = dict(DEFAULTS)
    for key, env in ENVIRONMENT.items():
        if environ.get(env) not in (None, ""):
            merged[key] = environ[env]
    merged.update((key, value) for key, value in args.items() if value is not None)
    settings = {
        "repositories": _names(merged, "repositories", validate_repository),
        "namespaces": _names(merged, "namespaces", validate_namespace),
        "interval": _seconds(merged, "interval"),
        "expiring_within": _seconds(merged, "expiring_within", allow_none=True),
        "report_existing": _bool(merged, "report_existing"),
        "concurrency": _integer(merged, "concurrency", 1, MAX_CONCURRENCY),
        "max_backoff": _seconds(merged, "max_backoff"),
        "quay_host": merged.get("quay_host"),
        "quay_token": merged.get("quay_token"),
        "validate_certs": _bool(merged, "validate_certs"),
        "ca_path": merged.get("ca_path"),
        "timeout": _seconds(merged, "timeout"),
        "retries": _integer(merged, "retries", 0, 10),
    }
    if not settings["repositories"] and not settings["namespaces"]:
        raise SourceArgumentError("%s: nothing to watch: give repositories (namespace/name) or namespaces" % SOURCE)
    changes = merged.get("changes", list(CHANGES))
    if isinstance(changes, str):
        changes = [changes]
    if not isinstance(changes, (list, tuple)) or not changes or not set(changes) <= set(CHANGES):
        _fail("changes", "%r: give a list of %s" % (changes, ", ".join(CHANGES)))
    if "expiring" in changes and args.get("changes") and settings["expiring_within"] is None:
        _fail("changes", "expiring needs expiring_within, the window (for example 1d)")
    settings["changes"] = frozenset(changes)
    if settings["max_backoff"] < settings["interval"]:
        _fail("max_backoff", "%g is shorter than interval (%g): give at least the interval" % (
            settings["max_backoff"], settings["interval"]))
    problem = connection_problem(settings, "in the source's arguments")
    if problem:
        raise SourceArgumentError("%s: %s" % (SOURCE, problem))
    return settings


class _Watched:
    """What is kept of one repository (or namespace) between polls."""

    __slots__ = ("tags", "failures", "next_try", "announce")

    def __init__(self, announce=False):
        self.tags = None  # None until the first successful poll
        self.failures = 0
        self.next_try = 0.0
        self.announce = announce  # discovered after the first listing of its namespace: its tags are new

    def failed(self, now, interval, max_backoff):
        self.failures += 1
        delay = min(max_backoff, interval * (2 ** self.failures))
        self.next_try = now + delay
        return delay


class Watcher:
    """The state of every watched repository and namespace, and one blocking poll of each."""

    def __init__(self, settings, clock=time.time, log=None):
        self.settings = settings
        self.clock = clock
        self.log = log
        self.repositories = dict((name, _Watched()) for name in settings["repositories"])
        self.namespaces = dict((name, _Watched()) for name in settings["namespaces"])
        self.explicit = frozenset(settings["repositories"])
        self.host = None

    def make_client(self):
        client = make_client(self.settings)
        self.host = client.base_url
        return client

    def _warn(self, message):
        if self.log is not None:
            self.log.warning("%s: %s", SOURCE, message)

    def _trouble(self, what, state, error, first_poll_fatal):
        """A failed request: stop (WatchFailure) or note it and try again later."""
        if error.kind in FATAL_KINDS or (first_poll_fatal and state.tags is None and error.kind in FIRST_POLL_FATAL_KINDS):
            raise WatchFailure("%s: %s: %s" % (SOURCE, what, error))
        delay = state.failed(self.clock(), self.settings["interval"], self.settings["max_backoff"])
        self._warn("%s: %s; tried again in %.0f s (failure %d in a row)" % (what, error, delay, state.failures))

    def list_namespace(self, client, namespace):
        """Bring the repositories of one namespace up to date (one request per 100 repositories)."""
        state = self.namespaces[namespace]
        if state.next_try > self.clock():
            return
        try:
            names = set(repository_name(item) for item in iter_repositories(client, namespace=namespace))
        except QuayError as error:
            self._trouble("namespace %s" % namespace, state, error, first_poll_fatal=False)
            return
        known = state.tags or frozenset()
        for name in names - known:
            if name not in self.repositories:
                self.repositories[name] = _Watched(announce=state.tags is not None)
        for name in known - names:
            if name not in self.explicit and not self._listed_elsewhere(name, namespace):
                self.repositories.pop(name, None)
        state.tags = frozenset(names)
        state.failures = 0

    def _listed_elsewhere(self, name, namespace):
        return any(name in (other.tags or ()) for key, other in self.namespaces.items() if key != namespace)

    def targets(self):
        return sorted(self.repositories)

    def poll(self, client, repository):
        """Poll one repository; returns its events (none on its first successful poll, unless asked for)."""
        state = self.repositories.get(repository)
        now = self.clock()
        if state is None or state.next_try > now:
            return []
        try:
            rows = client.list_all_tags(repository, only_active=True)
        except QuayError as error:
            self._trouble("repository %s" % repository, state, error, first_poll_fatal=repository in self.explicit)
            return []
        now = self.clock()
        window = self.settings["expiring_within"]
        current = snapshot(rows, now, window, previous=state.tags)
        if state.tags is None:
            if self.settings["report_existing"] or state.announce:
                events, current = existing_events(repository, current, now, window, self.host)
            else:
                events, current = [], mark_announced(current, now, window)
        else:
            events, current = diff(repository, state.tags, current, now, window, self.host)
        state.tags = current
        state.failures = 0
        state.announce = False
        wanted = [event for event in events if event["change"] in self.settings["changes"]]
        for event in wanted:
            if event["change"] == "deleted" and event["changed_at"] is None:
                event["changed_at"] = self._deletion_time(client, repository, event["tag"])
        return wanted

    @staticmethod
    def _deletion_time(client, repository, tag):
        """When a deleted tag ended: the newest row of its history (one request; None when it cannot be read)."""
        try:
            rows = client.list_tags(repository, specific_tag=tag, only_active=False, limit=1)["tags"]
        except QuayError:
            return None
        ends = [row.get("end_ts") for row in rows if row.get("name") == tag and isinstance(row.get("end_ts"), int)]
        return iso8601(ends[0]) if ends else None
