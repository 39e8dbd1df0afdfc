# -*- coding: utf-8 -*-
# Copyright (c) 2026 quaytools.tags contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

"""The prune role against the emulator, on what Quay does besides deleting: immutable tags, Cosign tags, and tags
pushed within one second.

- Quay refuses to delete an immutable tag (409): the role must not select one, or the run fails half-way.
- Quay expires the Cosign tags ``sha256-<hex>.sig`` of a manifest in the request that removes the manifest's last
  other tag: the role deletes a signature with its image's last tags, and before them, so that the real run changes
  exactly the tags its dry run named (deleted afterwards, the signature would already be gone: a 404, no change).
- Quay lists tags by the millisecond but reports whole seconds: of two tags pushed in one second, the one Quay lists
  first is the newer, whatever their names.
"""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import time

from e2e_support import ADMIN_TOKEN, NAMESPACE, digest

REPOSITORY = "%s/prune-safety" % NAMESPACE
DAY = 86400


def cosign(manifest, suffix="sig"):
    return "sha256-%s.%s" % (manifest.split(":", 1)[1], suffix)


def world(now):
    """``{repository: seed}`` and the names that must stay and go. Times are absolute epoch seconds."""
    m1, m2, m3, m4 = (digest(REPOSITORY, index) for index in (1, 2, 3, 4))
    second = now - 35 * DAY  # two CI tags pushed within this second: ci-tie-a first, ci-tie-b 500 ms later
    tags = [
        {"name": "latest", "manifest": m2, "start": now - 50 * DAY},
        {"name": "stable", "manifest": m3, "start": now - 50 * DAY},
        {"name": cosign(m3), "manifest": m4, "start": now - 49 * DAY},            # its image keeps stable
        {"name": cosign(m1), "manifest": m4, "start": now - 44 * DAY},            # signed before its last tag...
        {"name": "ci-re", "manifest": m1, "start": now - 40 * DAY},               # ...was pushed, and both go
        {"name": "ci-locked", "manifest": m3, "start": now - 60 * DAY, "immutable": True},
        {"name": "ci-tie-a", "manifest": m3, "start": second + 0.2},
        {"name": "ci-tie-b", "manifest": m3, "start": second + 0.7},
    ]
    seed = {"manifests": [{"digest": m, "size": 1000} for m in (m1, m2, m3, m4)], "tags": tags}
    stay = {"latest", "stable", cosign(m3), "ci-locked", "ci-tie-b"}
    go = {cosign(m1), "ci-re", "ci-tie-a"}
    return {REPOSITORY: seed}, stay, go


def prune_play(url):
    return [{
        "name": "prune", "hosts": "localhost", "gather_facts": False,
        "module_defaults": {"group/quaytools.tags.quay": {"quay_host": url, "quay_token": ADMIN_TOKEN}},
        "tasks": [
            {"name": "prune", "ansible.builtin.include_role": {"name": "quaytools.tags.prune"},
             "vars": {"prune_repositories": [REPOSITORY], "prune_match": ["ci-.*", "sha256-.*"],
                      "prune_older_than": "30d", "prune_keep_newest": 1}},
            {"name": "summary", "ansible.builtin.debug": {"var": "prune_summary"}},
        ],
    }]


def test_the_role_leaves_immutable_tags_deletes_signatures_with_their_image_and_keeps_the_tag_pushed_last(quay, ansible):
    repositories, stay, go = world(int(time.time()))
    quay.load(config={"immutable_tags": True}, repositories=repositories)

    dry = ansible.playbook(prune_play(quay.url), check=True)
    assert dry.returncode == 0, dry.explain()
    planned = dry.result("summary")["prune_summary"][0]
    assert set(entry["name"] for entry in planned["prune"]) == go
    assert set(planned["changed_tags"]) == go
    rules = dict((entry["name"], entry["rule"]) for entry in planned["keep"])
    assert rules["ci-locked"] == "immutable" and rules["ci-tie-b"] == "newest", rules
    assert quay.writes(REPOSITORY) == []

    real = ansible.playbook(prune_play(quay.url))
    assert real.returncode == 0, real.explain()
    done = real.result("summary")["prune_summary"][0]
    # the real run changed exactly what the dry run said, each tag by its own DELETE (no 404, no 409)
    assert done["changed_tags"] == planned["changed_tags"]
    deletes = [entry for entry in quay.writes(REPOSITORY) if entry["method"] == "DELETE"]
    assert sorted(entry["path"].rsplit("/", 1)[1] for entry in deletes) == sorted(go)
    assert all(entry["status"] == 204 for entry in deletes), deletes
    assert set(quay.tags(REPOSITORY)) == stay
