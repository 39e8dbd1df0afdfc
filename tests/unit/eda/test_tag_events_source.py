# -*- coding: utf-8 -*-
# Copyright (c) 2026 quaytools.tags contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

"""The tag_events event source as ansible-rulebook runs it: its file loaded with runpy, ``main(queue, args)`` on a
real asyncio queue, polling the Quay emulator while the tests change tags through the collection's client."""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import asyncio
import os
import runpy
import subprocess
import sys
import time

import pytest

from ansible_collections.quaytools.tags.plugins.module_utils._client import QuayClient
from ansible_collections.quaytools.tags.plugins.module_utils._tag_watch import SourceArgumentError, WatchFailure

ROOT = os.path.abspath(os.path.join(os.path.dirname(__file__), "..", "..", ".."))
SOURCE = os.path.join(ROOT, "extensions", "eda", "plugins", "event_source", "tag_events.py")
sys.path.insert(0, os.path.join(ROOT, "tests", "emulator"))

from quay_emulator import Emulator  # noqa: E402  pylint: disable=wrong-import-position

TOKEN = "eda-admin-token-0123456789abcdefghij"
D = ["sha256:%064x" % index for index in range(1, 6)]
INTERVAL = 0.2


def repository(tags, manifests=D):
    return {"manifests": [{"digest": digest, "size": 100} for digest in manifests],
            "tags": [dict({"start": -3600}, **tag) for tag in tags]}


def seed(repositories):
    return {"tokens": {TOKEN: {"user": "eda", "scopes": ["repo:admin", "repo:write", "repo:read"]}},
            "namespaces": {"acme": {"owners": ["eda"], "organization": True}},
            "repositories": repositories}


# Quay points a tag only at a manifest an active tag references: keep every digest tagged (r3, r4).
APP = {"acme/app": repository([{"name": "stable", "manifest": D[0]}, {"name": "latest", "manifest": D[1]},
                               {"name": "old", "manifest": D[2]}, {"name": "r3", "manifest": D[3]},
                               {"name": "r4", "manifest": D[4]}])}


@pytest.fixture(scope="module")
def emulator():
    server = Emulator(seed=seed(APP)).start()
    yield server
    server.stop()


@pytest.fixture
def quay(emulator):
    emulator.reset(seed(APP))
    return emulator


@pytest.fixture
def client(quay):
    return QuayClient(quay.url, TOKEN, retries=0)


def source_args(quay, **extra):
    args = {"quay_host": quay.url, "quay_token": TOKEN, "repositories": ["acme/app"], "interval": INTERVAL,
            "max_backoff": 1, "retries": 0}
    args.update(extra)
    return args


class Running:
    """The source's main() as a task on this event loop, with its queue."""

    def __init__(self, args):
        self.queue = asyncio.Queue()
        self.task = asyncio.get_running_loop().create_task(runpy.run_path(SOURCE)["main"](self.queue, args))

    async def events(self, count, timeout=10.0):
        """The next ``count`` events (their ``quay_tag`` part), failing after ``timeout`` seconds."""
        out = []
        deadline = time.monotonic() + timeout
        while len(out) < count:
            if self.task.done():
                self.task.result()
                raise AssertionError("the source stopped")
            try:
                event = await asyncio.wait_for(self.queue.get(), max(0.01, min(0.2, deadline - time.monotonic())))
            except asyncio.TimeoutError:
                if time.monotonic() > deadline:
                    raise AssertionError("%d of %d events after %.0f s: %r" % (len(out), count, timeout, out))
                continue
            assert list(event) == ["quay_tag"]
            out.append(event["quay_tag"])
        return out

    async def quiet(self, seconds):
        """Nothing is sent for ``seconds`` (several polls)."""
        await asyncio.sleep(seconds)
        assert self.queue.empty(), "unexpected events: %r" % [self.queue.get_nowait() for dummy in range(self.queue.qsize())]
        assert not self.task.done() or self.task.result()

    async def stop(self):
        self.task.cancel()
        try:
            await self.task
        except asyncio.CancelledError:
            pass


def run(scenario):
    asyncio.run(asyncio.wait_for(scenario(), 60))


async def call(function, *args, **kwargs):
    """A blocking client call off the event loop, as the source itself makes them."""
    return await asyncio.to_thread(function, *args, **kwargs)


def polls(quay, repo="acme/app"):
    return sum(1 for entry in quay.log()["requests"]
               if entry["path"] == "/api/v1/repository/%s/tag/" % repo and "onlyActiveTags=true" in entry["query"])


def test_first_poll_sends_nothing_then_every_change_kind(quay, client):
    quay.set_config(immutable_tags=True)

    async def scenario():
        source = Running(source_args(quay, expiring_within="1d"))
        await source.quiet(4 * INTERVAL)
        assert polls(quay) >= 2  # it polled, and found nothing to say about the tags it already knew

        await call(client.change_tag, "acme/app", "fresh", manifest_digest=D[3])
        [event] = await source.events(1)
        assert (event["change"], event["tag"], event["digest"], event["old_digest"]) == ("created", "fresh", D[3], None)
        assert event["repository"] == "acme/app" and event["quay_host"] == quay.url
        assert event["changed_at"] and event["detected_at"] >= event["changed_at"]

        await call(client.change_tag, "acme/app", "stable", manifest_digest=D[1])
        [event] = await source.events(1)
        assert (event["change"], event["tag"], event["old_digest"], event["digest"]) == ("moved", "stable", D[0], D[1])

        await call(client.delete_tag, "acme/app", "old")
        [event] = await source.events(1)
        assert (event["change"], event["tag"], event["old_digest"], event["digest"]) == ("deleted", "old", D[2], None)
        assert event["reason"] == "deleted" and event["changed_at"]  # read from the tag's history

        await call(client.restore_tag, "acme/app", "old", D[2])
        [event] = await source.events(1)
        assert (event["change"], event["tag"], event["digest"], event["reversion"]) == ("restored", "old", D[2], True)

        in_two_hours = int(quay.now()) + 7200
        await call(client.change_tag, "acme/app", "latest", expiration=in_two_hours)
        events = await source.events(2)
        assert [(e["change"], e["tag"]) for e in events] == [("expiration_changed", "latest"), ("expiring", "latest")]
        assert events[0]["old_end_ts"] is None and events[0]["end_ts"] == in_two_hours == events[1]["end_ts"]

        await call(client.change_tag, "acme/app", "fresh", immutable=True)
        [event] = await source.events(1)
        assert (event["change"], event["tag"], event["old_immutable"], event["immutable"]) == (
            "immutability_changed", "fresh", False, True)

        await source.quiet(4 * INTERVAL)  # every change was sent once
        await source.stop()

    run(scenario)


def test_an_expired_tag_is_deleted_with_its_reason(quay):
    quay.reset(seed({"acme/app": repository([{"name": "stable", "manifest": D[0]},
                                             {"name": "pr-7", "manifest": D[1], "end": 1.5}])}))

    async def scenario():
        source = Running(source_args(quay))
        [event] = await source.events(1)
        assert (event["change"], event["tag"], event["reason"], event["old_digest"]) == ("deleted", "pr-7", "expired", D[1])
        await source.stop()

    run(scenario)


def test_report_existing(quay):
    async def scenario():
        source = Running(source_args(quay, report_existing=True))
        events = await source.events(5)
        assert sorted((e["change"], e["tag"]) for e in events) == [
            ("created", "latest"), ("created", "old"), ("created", "r3"), ("created", "r4"), ("created", "stable")]
        await source.quiet(3 * INTERVAL)
        await source.stop()

    run(scenario)


async def move_under_faults(quay, client, source, faults, tag, digest, during=None):
    """Faults on the tag listing, a move meanwhile, then the faults gone: the move is reported once, late."""
    await source.quiet(3 * INTERVAL)
    quay.add_faults(faults)
    await call(client.change_tag, "acme/app", tag, manifest_digest=digest)
    if during is not None:
        await during()
        quay.clear_faults()  # an outage that lasts until it is over; the other faults run out by their count
    [event] = await source.events(1, timeout=8)
    assert (event["change"], event["tag"], event["old_digest"] != digest, event["digest"]) == ("moved", tag, True, digest)
    await source.quiet(3 * INTERVAL)
    await source.stop()


def test_transient_faults_back_off_and_nothing_is_lost(quay, client):
    async def scenario():
        source = Running(source_args(quay, max_backoff=0.8))
        before = []

        async def outage():
            before.append(polls(quay))
            await source.quiet(2.0)
            failed = polls(quay) - before[0]
            # Without the backoff, 2 s of 0.2 s polls would be 10 requests; doubling from 0.4 s, capped at 0.8 s: at most 4.
            assert 1 <= failed <= 4, failed

        await move_under_faults(quay, client, source, {"method": "GET", "path": "/tag/$", "status": 503, "count": 0},
                                "stable", D[4], during=outage)

    run(scenario)


def test_dropped_connections_and_slow_answers_are_survived(quay, client):
    async def scenario():
        source = Running(source_args(quay, timeout=0.5))
        await move_under_faults(quay, client, source, [{"path": "/tag/$", "action": "drop", "count": 2},
                                                       {"path": "/tag/$", "action": "delay", "delay": 1.0, "count": 1}],
                                "latest", D[0])
        assert sum(rule["fired"] for rule in quay.faults()) == 3

    run(scenario)


def test_many_repositories(quay, client):
    names = ["acme/svc%03d" % index for index in range(120)]
    quay.reset(seed(dict((name, repository([{"name": "stable", "manifest": D[0]}, {"name": "v2", "manifest": D[1]}]))
                         for name in names)))

    async def scenario():
        source = Running(source_args(quay, repositories=names, concurrency=4, interval=0.5))
        await source.quiet(1.5)
        for name in names[::30]:
            await call(client.change_tag, name, "stable", manifest_digest=D[1])
        events = await source.events(4)
        assert sorted(e["repository"] for e in events) == names[::30]
        assert set(e["change"] for e in events) == {"moved"}
        await source.quiet(1.0)
        await source.stop()
        # One request per repository per poll: every repository was polled, none twice in a row more than the others.
        counts = [polls(quay, name) for name in names]
        assert min(counts) >= 3 and max(counts) - min(counts) <= 1, (min(counts), max(counts))

    run(scenario)


def test_bad_arguments_fail_before_any_request(quay):
    async def scenario():
        with pytest.raises(SourceArgumentError) as info:
            await runpy.run_path(SOURCE)["main"](asyncio.Queue(), source_args(quay, repositories=["acme"]))
        assert "repositories: 'acme' is not a repository" in str(info.value)

    run(scenario)
    assert quay.log()["requests"] == []


def test_a_wrong_token_stops_the_source_without_showing_it(quay):
    async def scenario():
        source = Running(source_args(quay, quay_token="wrong-token-0123456789"))
        with pytest.raises(WatchFailure) as info:
            await asyncio.wait_for(source.task, 10)
        assert "authentication failed (HTTP 401)" in str(info.value)
        assert "wrong-token" not in str(info.value)

    run(scenario)


def test_whole_namespaces_with_paging_new_and_removed_repositories(quay, client):
    names = ["acme/svc%03d" % index for index in range(130)]
    world = dict((name, repository([{"name": "stable", "manifest": D[0]}, {"name": "v2", "manifest": D[1]}]))
                 for name in names)
    world["other/app"] = repository([{"name": "stable", "manifest": D[0]}])
    quay.reset(seed(world))

    async def scenario():
        source = Running(source_args(quay, repositories=None, namespaces=["acme"], interval=0.5))
        await source.quiet(1.5)
        listings = [entry for entry in quay.log()["requests"] if entry["path"] == "/api/v1/repository"]
        # 130 repositories: two pages a cycle, the second asked with the first page's next_page.
        assert "next_page=" in listings[1]["query"] and "namespace=acme" in listings[1]["query"]
        assert all(polls(quay, name) >= 1 for name in names) and polls(quay, "other/app") == 0

        await call(client.change_tag, "acme/svc129", "stable", manifest_digest=D[1])
        [event] = await source.events(1)
        assert (event["repository"], event["change"], event["tag"]) == ("acme/svc129", "moved", "stable")

        # A repository that appears later is new: its tags are reported as created.
        with quay.lock:
            quay.model.state._add_repository(  # pylint: disable=protected-access
                "acme/late", repository([{"name": "v1", "manifest": D[2]}]), quay.model.now_ms())
        [event] = await source.events(1)
        assert (event["repository"], event["change"], event["tag"], event["digest"]) == ("acme/late", "created", "v1", D[2])

        # A repository that goes away is forgotten without events, and no longer polled.
        await call(client._request, "DELETE", "/api/v1/repository/acme/svc000", expect=(204,))  # pylint: disable=protected-access
        await source.quiet(1.5)
        before = polls(quay, "acme/svc000")
        await source.quiet(1.0)
        assert polls(quay, "acme/svc000") == before
        await source.stop()

    run(scenario)


def test_the_source_finds_its_collection_as_ansible_rulebook_loads_it(tmp_path):
    # ansible-rulebook runs the file with runpy from where `ansible-galaxy collection list` found the collection, in a
    # Python that cannot import ansible_collections: the source must import its module_utils from that collection.
    namespace = tmp_path / "ansible_collections" / "quaytools"
    namespace.mkdir(parents=True)
    os.symlink(ROOT, str(namespace / "tags"))
    source = namespace / "tags" / "extensions" / "eda" / "plugins" / "event_source" / "tag_events.py"
    code = ("import runpy, sys; module = runpy.run_path(sys.argv[1])['_tag_watch'](); "
            "print(module.__file__); print(module.parse_arguments({'repositories': ['a1/b'], 'quay_host': 'h.example.com', "
            "'quay_token': 't'}, {})['repositories'])")
    result = subprocess.run([sys.executable, "-I", "-c", code, str(source)], stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
                            universal_newlines=True, check=False, cwd=str(tmp_path))
    assert result.returncode == 0, result.stdout
    first, second = result.stdout.splitlines()[-2:]
    assert first.startswith(str(tmp_path / "ansible_collections" / "quaytools" / "tags" / "plugins" / "module_utils"))
    assert second == "['a1/b']"
