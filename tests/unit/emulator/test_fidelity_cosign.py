# -*- coding: utf-8 -*-
# Copyright (c) 2026 quaytools.tags contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

"""Cosign-named sibling tags (``sha256-<hex>.sig``, ``.att``, ``.sbom``): what Quay does to them when their subject
manifest loses its last tag, request by request.

The sequences replay, on the transcripts seed (``devtable/schema2repo``: ``latest`` and ``v1.0`` on D1, ``v2.0`` on
D2, ``multiarch`` on a list of both), the exchanges recorded from a real Quay server (commit ffba0c70, immutable tags
on), and the cases where the emulator used to end differently. tests/emulator/README.md (section Cosign sibling tags / Routing quirks) states each
rule with the test that pins it.
"""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import pytest

from quayemu.cosign import expire_siblings
from quayemu.model import Repository, Row

REPOSITORY = "devtable/schema2repo"
S2R = "/api/v1/repository/devtable/schema2repo/tag/"
D1 = "sha256:5c5bae147e810ea4b8c543b115c91246144fdeb1552ee72c9d76fa3981d509af"
D2 = "sha256:74c2b08abad5892c18b7271be01107d08430dbf0045adf27b1e19668d23f59f5"


def sibling(digest, suffix="sig"):
    """The name Cosign gives the signature (sig), attestation (att) or SBOM (sbom) of the manifest ``digest``."""
    return "sha256-%s.%s" % (digest[len("sha256:"):], suffix)


def alive(quay, name):
    """The alive row of a tag name (empty when the name has none)."""
    return quay.tags(REPOSITORY, specificTag=name, onlyActiveTags="true")


def ends_ms(quay, name):
    """The end (epoch ms, None while open) of every row of a name, newest first, from the emulator's state."""
    state = quay.emulator.repository(REPOSITORY)
    return [row["end_ms"] for row in state["tags"] if row["name"] == name]


def put(quay, name, body):
    response = quay.put(S2R + name, body)
    assert response.status_code == 201, response.text


def delete(quay, name):
    response = quay.delete(S2R + name)
    assert response.status_code == 204, response.text


# ---------------------------------------------------------------------------------------------------------------------
# The recorded sequences
# ---------------------------------------------------------------------------------------------------------------------

def test_deleting_the_last_tag_of_a_manifest_expires_its_siblings_in_the_same_request(quay):
    """Recorded: the .sig and .att of D1 (both pointing at D2) end with v1.0, the last tag on D1, although the
    manifest list of multiarch still holds D1; .foo is no Cosign suffix and stays; deleting latest while v1.0 was left
    changed nothing; restoring latest revives nothing."""
    for name in (sibling(D1, "sig"), sibling(D1, "att"), sibling(D1, "foo")):
        put(quay, name, {"manifest_digest": D2})
    delete(quay, "latest")
    assert len(alive(quay, sibling(D1))) == 1
    delete(quay, "v1.0")
    deleted_at = ends_ms(quay, "v1.0")[0]
    assert alive(quay, sibling(D1, "sig")) == [] and alive(quay, sibling(D1, "att")) == []
    assert D1 in alive(quay, "multiarch")[0]["child_manifests_presence"]
    assert [entry["manifest_digest"] for entry in alive(quay, sibling(D1, "foo"))] == [D2]
    # Each sibling ends within the deleting request (Quay gives each one its own millisecond, see below).
    for name in (sibling(D1, "sig"), sibling(D1, "att")):
        assert deleted_at - 3 <= ends_ms(quay, name)[0] <= deleted_at
    assert quay.post(S2R + "latest/restore", {"manifest_digest": D1}).status_code == 200
    assert alive(quay, sibling(D1)) == []


def test_an_expiration_on_the_subject_is_not_copied_to_its_siblings(quay):
    put(quay, sibling(D1), {"manifest_digest": D2})
    delete(quay, "v1.0")
    end = int(quay.emulator.now()) + 7200
    put(quay, "latest", {"expiration": end})
    assert alive(quay, "latest")[0]["end_ts"] == end
    assert "end_ts" not in alive(quay, sibling(D1))[0]


def test_moving_the_last_tag_away_expires_the_siblings_like_a_delete(quay):
    """Recorded: moving latest to D2 while v1.0 stays on D1 changes nothing; moving v1.0 too expires the .sig."""
    put(quay, sibling(D1), {"manifest_digest": D2})
    put(quay, "latest", {"manifest_digest": D2})
    assert len(alive(quay, sibling(D1))) == 1
    put(quay, "v1.0", {"manifest_digest": D2})
    assert alive(quay, sibling(D1)) == []
    assert ends_ms(quay, sibling(D1))[0] == ends_ms(quay, "v1.0")[1]


def test_an_immutable_sibling_survives_its_subject(quay):
    """Recorded (8.D): Quay only expires mutable siblings."""
    quay.emulator.set_config(immutable_tags=True)
    put(quay, sibling(D1), {"manifest_digest": D2})
    put(quay, sibling(D1), {"immutable": True})
    delete(quay, "latest")
    delete(quay, "v1.0")
    entry = alive(quay, sibling(D1))
    assert [(row["manifest_digest"], row["immutable"], "end_ts" in row) for row in entry] == [(D2, True, False)]


def test_a_sibling_deleted_directly_just_ends(quay):
    put(quay, sibling(D2), {"manifest_digest": D1})
    delete(quay, sibling(D2))
    assert alive(quay, sibling(D2)) == []
    assert [len(alive(quay, name)) for name in ("latest", "v1.0", "v2.0")] == [1, 1, 1]


# ---------------------------------------------------------------------------------------------------------------------
# Only tags with an ordinary name keep a subject; only tags with an ordinary name cascade
# ---------------------------------------------------------------------------------------------------------------------

@pytest.mark.parametrize("how", ["delete", "move"])
def test_a_sibling_that_points_at_its_own_subject_does_not_keep_it(quay, how):
    """The check "does another tag still point at the subject" counts only tags whose name is not Cosign-shaped, so a
    signature stored on the very manifest it signs dies with the subject's last ordinary tag."""
    put(quay, sibling(D1), {"manifest_digest": D1})
    delete(quay, "latest")
    assert len(alive(quay, sibling(D1))) == 1
    if how == "delete":
        delete(quay, "v1.0")
    else:
        put(quay, "v1.0", {"manifest_digest": D2})
    assert alive(quay, sibling(D1)) == []


@pytest.mark.parametrize("how", ["delete", "move"])
def test_a_cosign_named_tag_on_the_subject_does_not_keep_it(quay, how):
    """D2's signature tag points at D1: when D1's last ordinary tag goes, D1's own signature goes too."""
    put(quay, sibling(D1), {"manifest_digest": D2})
    put(quay, sibling(D2), {"manifest_digest": D1})
    delete(quay, "latest")
    if how == "delete":
        delete(quay, "v1.0")
    else:
        put(quay, "v1.0", {"manifest_digest": D2})
    assert alive(quay, sibling(D1)) == []
    assert [entry["manifest_digest"] for entry in alive(quay, sibling(D2))] == [D1]


@pytest.mark.parametrize("how", ["delete", "move"])
def test_deleting_or_moving_a_cosign_named_tag_never_expires_other_siblings(quay, how):
    """D1 lost its last tag; its signature tag (on D2) was pushed afterwards and is now the only tag on D2. Deleting
    or moving that Cosign-named tag leaves D2's own signature alone: only ordinary names cascade."""
    delete(quay, "latest")
    delete(quay, "v1.0")
    put(quay, sibling(D1), {"manifest_digest": D2})
    delete(quay, "v2.0")
    put(quay, sibling(D2), {"manifest_digest": D1})  # D1 can still be tagged: it is a child of multiarch's list
    if how == "delete":
        delete(quay, sibling(D1))
    else:
        put(quay, sibling(D1), {"manifest_digest": D1})
    assert [entry["manifest_digest"] for entry in alive(quay, sibling(D2))] == [D1]


def test_pointing_the_last_tag_at_the_manifest_it_already_has_is_no_move(quay):
    put(quay, sibling(D1), {"manifest_digest": D2})
    delete(quay, "latest")
    put(quay, "v1.0", {"manifest_digest": D1})
    assert quay.post(S2R + "v1.0/restore", {"manifest_digest": D1}).status_code == 200
    assert len(alive(quay, sibling(D1))) == 1


def test_siblings_expired_together_each_get_their_own_millisecond(quay):
    """Quay gives every sibling it expires in one request a distinct end, counting down from the request's instant
    (its history table refuses two rows of one name with the same end)."""
    for suffix in ("sig", "att", "sbom"):
        put(quay, sibling(D1, suffix), {"manifest_digest": D2})
    delete(quay, "latest")
    delete(quay, "v1.0")
    now = ends_ms(quay, "v1.0")[0]
    assert [ends_ms(quay, sibling(D1, suffix))[0] for suffix in ("att", "sbom", "sig")] == [now, now - 1, now - 2]


def test_a_distinct_end_skips_one_a_row_of_the_same_name_already_has():
    repo = Repository("acme/app", "acme")
    subject = "sha256:" + "a" * 64
    name = "sha256-%s.sig" % ("a" * 64)
    repo.insert_row(Row(name, "sha256:" + "b" * 64, 1000, 4999))
    repo.add_current(Row("sha256-%s.att" % ("a" * 64), "sha256:" + "b" * 64, 2000))
    repo.add_current(Row(name, "sha256:" + "b" * 64, 3000))
    assert expire_siblings(repo, subject, 5000) == 2
    assert [row.end_ms for row in repo.by_name[name]] == [4998, 4999]
    assert repo.by_name["sha256-%s.att" % ("a" * 64)][0].end_ms == 5000
