# -*- coding: utf-8 -*-
# Copyright (c) 2026 quaytools.tags contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

"""quaytools.tags.tag_events: an ansible-rulebook event source that polls Quay for tag changes.

ansible-rulebook loads this file on its own (runpy), outside Ansible's collection loader. The logic lives in the
collection's module_utils (_tag_watch, _tag_events), imported from the collection this file belongs to.
"""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

DOCUMENTATION = r"""
---
short_description: Events for the tag changes in Quay repositories, by polling Quay's tag API.
version_added: 1.1.0
description:
  - Polls one or more repositories, or every repository of whole namespaces, every O(interval) seconds and sends one
    event per change of an active tag, C(created), C(moved), C(deleted), C(restored), C(expiration_changed),
    C(immutability_changed), or C(expiring) when a tag's expiration falls within O(expiring_within).
  - Unlike Quay's C(repo_push) notification, it sees every change, pushes as well as API moves, restores, deletions
    and expirations, and it carries the digests. It needs no inbound connection.
  - The first poll of a repository records its tags and sends nothing, unless O(report_existing) is set.
  - Changes are found by comparing two polls. Several changes of one tag between two polls show as one event (a tag
    moved twice shows as one move from the first digest to the last).
  - Each event is C({"quay_tag": {...}}) with the keys C(change), C(repository), C(tag), C(digest) (now, null when
    deleted), C(old_digest) (before, null when created), C(immutable), C(reversion), C(start_ts) and C(end_ts) (the
    current row's start and expiration, epoch seconds), C(old_end_ts), C(expiration) (ISO 8601), C(changed_at) (when
    the change happened, ISO 8601, when Quay tells it: creation, move, restore and deletion), C(detected_at) and
    C(quay_host); C(deleted) adds C(reason) (C(deleted) or C(expired)) and C(immutability_changed) adds
    C(old_immutable).
  - Requests per poll, one per repository per 100 active tags, plus one per 100 repositories of each namespace, plus
    one per deleted tag to read when it was deleted.
  - Transient failures (unreachable server, time-outs, 429, 5xx) are retried by the client, then the repository is
    polled again after a growing delay (twice the interval, doubling, at most O(max_backoff)) while the others go
    on. A wrong token or TLS setup, or a repository in O(repositories) that is missing or not readable at its first
    poll, stops the source with a message.
options:
  repositories:
    description: Repositories to watch, as C(namespace/name).
    type: list
    elements: str
  namespaces:
    description:
      - Namespaces (organizations or users) whose every repository is watched, as Quay's repository listing gives
        them to the token's user. Repositories created later are picked up; their tags are reported as created.
    type: list
    elements: str
  interval:
    description: Seconds between two polls (or a duration such as V(30s), V(5m)).
    type: raw
    default: 60
  expiring_within:
    description:
      - Send an C(expiring) event, once per expiration, for a tag whose expiration is within this many seconds (or a
        duration such as V(1d)). No C(expiring) events when not set.
    type: raw
  report_existing:
    description: On the first poll, send C(created) for every existing tag (and C(expiring) within the window).
    type: bool
    default: false
  changes:
    description: Send only these kinds of events (default, all of them).
    type: list
    elements: str
  concurrency:
    description: How many repositories are polled at once (1 to 16), each in a worker thread.
    type: int
    default: 4
  max_backoff:
    description: The longest wait, in seconds, before a failing repository is polled again.
    type: raw
    default: 600
  quay_host:
    description: URL of the Quay server. Defaults to the E(QUAY_HOST) environment variable.
    type: str
  quay_token:
    description: OAuth token with C(repo:read). Defaults to E(QUAY_TOKEN). Never printed.
    type: str
  validate_certs:
    description: Verify TLS (E(QUAY_VALIDATE_CERTS)).
    type: bool
    default: true
  ca_path:
    description: PEM CA bundle (E(QUAY_CA_PATH)).
    type: str
  timeout:
    description: Seconds per request (E(QUAY_TIMEOUT)).
    type: raw
    default: 30
  retries:
    description: Retries of one request after a transient failure (E(QUAY_RETRIES)).
    type: int
    default: 3
"""

EXAMPLES = r"""
- name: React to tag changes in Quay
  hosts: all
  sources:
    - quaytools.tags.tag_events:
        quay_host: https://quay.example.com
        repositories: [myorg/app]
        namespaces: [platform]
        interval: 30
        expiring_within: 1d
  rules:
    - name: Deploy when stable moves
      condition: event.quay_tag.change == "moved" and event.quay_tag.tag == "stable"
      action:
        run_playbook:
          name: deploy.yml
"""

import asyncio
import logging
import os
import sys

LOGGER = logging.getLogger("quaytools.tags.tag_events")
# extensions/eda/plugins/event_source/tag_events.py -> the directory that holds ansible_collections/quaytools/tags
COLLECTIONS_ROOT = os.path.abspath(os.path.join(os.path.dirname(os.path.abspath(__file__)), *([os.pardir] * 7)))


def _tag_watch():
    """The collection's _tag_watch module, from the collection this file is in when Python cannot find it yet."""
    try:
        from ansible_collections.quaytools.tags.plugins.module_utils import _tag_watch as module
    except ImportError:
        if not os.path.isdir(os.path.join(COLLECTIONS_ROOT, "ansible_collections", "quaytools", "tags")):
            raise
        sys.path.append(COLLECTIONS_ROOT)
        from ansible_collections.quaytools.tags.plugins.module_utils import _tag_watch as module
    return module


async def _worker(queue, watcher, client, names):
    """Poll repositories one after another in a thread of its own (the HTTP calls block) and queue their events."""
    for name in names:
        events = await asyncio.to_thread(watcher.poll, client, name)
        for event in events:
            await queue.put({"quay_tag": event})


async def main(queue, args):
    """Poll until cancelled. Bad arguments fail before any request; see DOCUMENTATION."""
    tag_watch = _tag_watch()
    settings = tag_watch.parse_arguments(args, os.environ)
    watcher = tag_watch.Watcher(settings, log=LOGGER)
    clients = [watcher.make_client() for dummy in range(settings["concurrency"])]
    loop = asyncio.get_running_loop()
    LOGGER.info("%s: watching %d repositories and %d namespaces on %s every %g s", tag_watch.SOURCE,
                len(settings["repositories"]), len(settings["namespaces"]), watcher.host, settings["interval"])
    while True:
        started = loop.time()
        for namespace in settings["namespaces"]:
            await asyncio.to_thread(watcher.list_namespace, clients[0], namespace)
        # One shared iterator: each repository is polled by exactly one worker, in order.
        names = iter(watcher.targets())
        await asyncio.gather(*(_worker(queue, watcher, client, names) for client in clients))
        await asyncio.sleep(max(0.0, settings["interval"] - (loop.time() - started)))


if __name__ == "__main__":
    # Try it by hand: QUAY_HOST=... QUAY_TOKEN=... python tag_events.py myorg/app [more repositories]

    class PrintQueue:
        """Prints the events instead of queueing them."""

        @staticmethod
        async def put(event):
            print(event)

    logging.basicConfig(level=logging.INFO)
    asyncio.run(main(PrintQueue(), {"repositories": sys.argv[1:], "interval": 10}))
