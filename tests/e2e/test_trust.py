# -*- coding: utf-8 -*-
# Copyright (c) 2026 quaytools.tags contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

"""Nothing half-applied, nothing applied twice, nothing followed for ever: real ansible-playbook runs.

- Quay's immutability rules (immutable tags on; FEATURE_IMMUTABLE_TAGS_CAN_EXPIRE off, then on): asking for an
  immutable tag with an expiration is refused before the first write, in check mode too, when the server does not
  allow it, and works in as few PUTs as Quay allows when it does.
- A move or restore whose answer was lost while Quay was still working on it (a 1.6 s request against a 1 s time-out)
  is watched, not sent again: the tag gets one new history row, counted through the emulator's control API.
- A listing whose pages do not advance (a server or proxy that ignores ``page``) stops with an error naming the
  repository and the page, after two requests.
"""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import time

import requests

from e2e_support import NAMESPACE, digest, standard_repository


def repo(name):
    return "%s/%s" % (NAMESPACE, name)


def history(quay, repository, tag):
    """The visible rows of one tag, newest first, read through the emulator's control API."""
    response = requests.get("%s/_emulator/repository/%s" % (quay.url, repository), timeout=10)
    assert response.status_code == 200, response.text
    return [row for row in response.json()["tags"] if row["name"] == tag and not row["hidden"]]


def config_requests(quay):
    return [entry for entry in quay.requests() if entry["path"] == "/config"]


# -- immutability x expiration ----------------------------------------------------------------------------------------

def immutability_world(quay, can_expire):
    """v1 immutable (no expiration), t1 mutable with an expiration, t2 mutable; immutable tags on."""
    repositories = {}
    for name in IMMUTABILITY:
        data = standard_repository(repo(name))
        for tag in data["tags"]:
            if tag["name"] == "v1":
                tag["immutable"] = True
            if tag["name"] == "t1":
                tag["end"] = 5 * 86400
        repositories[repo(name)] = data
    quay.load(repositories=repositories, config={"immutable_tags": True, "immutable_tags_can_expire": can_expire})


def tag_case(case, **args):
    return {"module": "quay_tag", "args": dict(args, repository=repo(case))}


IMMUTABILITY = {
    # A new tag with a manifest, immutable and an expiration (Quay cannot create it in one PUT).
    "new-immutable-expiring": tag_case("new-immutable-expiring", name="imm-a", source_tag="candidate", immutable=True,
                                       expiration="2w"),
    # An expiration for two tags, one of them immutable.
    "list-with-immutable": tag_case("list-with-immutable", name=["t2", "v1"], expiration="2w"),
    # Immutable on a tag that has an expiration.
    "lock-expiring": tag_case("lock-expiring", name="t1", immutable=True),
    # The way out: immutable with expiration never, one PUT.
    "lock-and-clear": tag_case("lock-and-clear", name="t1", immutable=True, expiration="never"),
}
REFUSED = ("new-immutable-expiring", "list-with-immutable", "lock-expiring")


def test_immutability_and_expiration_refused_before_any_write_when_the_server_does_not_allow_it(quay, ansible):
    immutability_world(quay, can_expire=False)
    before = dict((name, quay.emulator.repository(repo(name))["tags"]) for name in IMMUTABILITY)

    for check in (True, False, True, False):
        run = ansible.cases(IMMUTABILITY, check=check)
        for name in REFUSED:
            result = run.case(name)
            assert result.get("failed") is True and result["changed"] is False, (name, check, result)
            assert result["msg"].startswith("nothing was changed: "), (name, result["msg"])
            assert "FEATURE_IMMUTABLE_TAGS_CAN_EXPIRE" in result["msg"], (name, result["msg"])
            assert quay.emulator.repository(repo(name))["tags"] == before[name], (name, check)
        assert "expiration: never together with immutable: true" in run.case("lock-expiring")["msg"]
        assert "v1 is immutable" in run.case("list-with-immutable")["msg"]
        assert "imm-a would get an expiration" in run.case("new-immutable-expiring")["msg"]
        way_out = run.case("lock-and-clear")
        assert not way_out.get("failed"), way_out.get("msg")
    assert all(quay.writes(repo(name)) == [] for name in REFUSED)
    # Each refused case asked /config once per run (4 runs); the way out never needed it.
    assert len(config_requests(quay)) == 4 * len(REFUSED)
    # The way out changed t1 in one PUT (the first real run), and nothing after.
    assert [(e["method"], e["body"], e["status"]) for e in quay.writes(repo("lock-and-clear"))] == [
        ("PUT", {"expiration": None, "immutable": True}, 201)]
    rows = [row for row in history(quay, repo("lock-and-clear"), "t1") if row["current"]]
    assert rows[0]["immutable"] is True and rows[0]["end_ms"] is None


def test_immutability_and_expiration_go_together_when_the_server_allows_it(quay, ansible):
    immutability_world(quay, can_expire=True)
    results = [ansible.cases(IMMUTABILITY, check=check) for check in (True, False, True, False)]
    for name in IMMUTABILITY:
        first_check, first_run, second_check, second_run = (run.case(name) for run in results)
        for result in (first_check, first_run, second_check, second_run):
            assert not result.get("failed"), (name, result.get("msg"))
        assert first_check["changed"] is first_run["changed"] is True, name
        assert second_check["changed"] is second_run["changed"] is False, name
        assert [t["actions"] for t in first_check["tags"]] == [t["actions"] for t in first_run["tags"]], name
    # State read back through the API.
    for name, tag in (("new-immutable-expiring", "imm-a"), ("list-with-immutable", "v1"), ("lock-expiring", "t1")):
        rows = requests.get("%s/api/v1/repository/%s/tag/" % (quay.url, repo(name)), timeout=10,
                            params={"specificTag": tag, "onlyActiveTags": "true"},
                            headers={"Authorization": "Bearer " + ansible.connection()["quay_token"]}).json()["tags"]
        assert len(rows) == 1 and rows[0]["immutable"] is True and rows[0].get("end_ts"), (name, rows)
    assert [sorted(e["body"]) for e in quay.writes(repo("new-immutable-expiring"))] == [
        ["manifest_digest"], ["expiration", "immutable"]]


# -- a lost write still in flight --------------------------------------------------------------------------------------

def lost_case(name, module, delay):
    if module == "quay_tag":
        case = {"module": "quay_tag", "args": {"repository": repo(name), "name": ["stable"], "source_tag": "candidate"}}
        rule = {"method": "PUT", "path": "^/api/v1/repository/%s/tag/stable$" % repo(name)}
    else:
        case = {"module": "quay_tag_restore", "args": {"repository": repo(name), "name": "stable",
                                                       "manifest_digest": digest(repo(name), 3)}}
        rule = {"method": "POST", "path": "^/api/v1/repository/%s/tag/stable/restore$" % repo(name)}
    case["conn"] = {"timeout": 1}
    rule.update(action="delay", delay=delay)
    return case, rule


def test_a_lost_write_still_in_flight_at_quay_adds_no_second_history_row(quay, ansible):
    # Quay applies the write 1.6 s after it arrives; the client gives up after 1 s and reads the tag back (at 1.25 to
    # 1.5 s: not there yet), then keeps reading until 2 s: it shows, and the write is not sent again.
    cases = {}
    quay.load(["lost-move", "lost-restore"])
    for name, module in (("lost-move", "quay_tag"), ("lost-restore", "quay_tag_restore")):
        cases[name], rule = lost_case(name, module, 1.6)
        quay.fault(**rule)

    run = ansible.cases(cases)

    for name in cases:
        result = run.case(name)
        assert not result.get("failed"), (name, result.get("msg"))
        assert result["changed"] is True
        rows = history(quay, repo(name), "stable")
        assert [row["manifest"] for row in rows] == [digest(repo(name), 3), digest(repo(name), 2)], (name, rows)
        writes = quay.writes(repo(name))
        assert len(writes) == 1 and writes[0].get("fault") == "delay", (name, writes)
        reads = [e for e in quay.requests(repo(name)) if e["method"] == "GET"]
        assert len(reads) >= 3, (name, reads)  # the task's read, then at least two read-backs
        assert result["api_requests"] == 1 + len(reads), name
        assert any(w.endswith("read back from Quay: the change is in place, not sent again") for w in result["warnings"])


def test_a_lost_write_applied_later_than_twice_the_timeout_can_be_applied_twice(quay, ansible):
    # The documented limit: the read-backs watch a lost write for `timeout` seconds after the client gave up on it. A
    # write Quay applies after that (2.6 s here, for a 1 s time-out) is sent again meanwhile, and both are applied.
    quay.load(["late-move"])
    case, rule = lost_case("late-move", "quay_tag", 2.6)
    quay.fault(**rule)
    run = ansible.cases({"late-move": case})
    result = run.case("late-move")
    assert not result.get("failed"), result.get("msg")
    assert [w for w in result["warnings"] if "no answer within 1" in w and "retried in" in w], result["warnings"]
    # The first PUT is logged when the emulator answers it, 2.6 s after it arrived: possibly after the playbook ended.
    deadline = time.monotonic() + 10
    while len(quay.writes(repo("late-move"))) < 2 and time.monotonic() < deadline:
        time.sleep(0.1)
    assert len(quay.writes(repo("late-move"))) == 2
    assert [row["manifest"] for row in history(quay, repo("late-move"), "stable")][:3] == [digest(repo("late-move"), 3)] * 2 \
        + [digest(repo("late-move"), 2)]


# -- pages that do not advance -----------------------------------------------------------------------------------------

def test_a_listing_whose_pages_do_not_advance_stops_with_an_error(quay, ansible):
    names = ["tags-several", "tags-check-digest", "info-all", "restore-history"]
    quay.load(names)
    cases = {
        "tags-several": tag_case("tags-several", name=["x1", "x2", "x3"], manifest_digest=digest(repo("tags-several"), 1)),
        # check mode confirms that the digest can be tagged: it pages through the active tags
        "tags-check-digest": dict(tag_case("tags-check-digest", name="new", manifest_digest="sha256:" + "9" * 64),
                                  check=True),
        "info-all": {"module": "quay_tag_info", "args": {"repository": repo("info-all")}},
        "restore-history": {"module": "quay_tag_restore", "args": {"repository": repo("restore-history"), "name": "stable",
                                                                   "manifest_digest": digest(repo("restore-history"), 1)}},
    }
    for name in names:
        # Every listing of the repository answers the same first page, has_additional true, whatever page is asked.
        first = {"tags": [{"name": "filler", "reversion": False, "start_ts": 1790000000,
                           "manifest_digest": digest(repo(name), 1), "is_manifest_list": False, "size": 1}],
                 "page": 1, "has_additional": True}
        quay.fault(method="GET", path="^/api/v1/repository/%s/tag/$" % repo(name), status=200, body=first, count=0)

    run = ansible.cases(cases)

    for name in names:
        result = run.case(name)
        assert result.get("failed") is True, (name, result)
        assert "the tag listing of %s does not advance at page 2: the answer is page 1" % repo(name) in result["msg"], (
            name, result["msg"])
        assert result["error"]["kind"] == "bad_response"
        listing = [e for e in quay.requests(repo(name)) if e["method"] == "GET"]
        assert 2 <= len(listing) <= 3, (name, len(listing))
        assert quay.writes(repo(name)) == []


# -- prune: a tag pushed again between the plan and the deletion ------------------------------------------------------

def test_prune_leaves_alone_a_tag_pushed_again_between_the_plan_and_the_deletion(quay, ansible):
    repository = repo("prune-race")
    quay.load(["prune-race"])
    m1, m2 = digest(repository, 1), digest(repository, 2)
    token = ansible.connection()["quay_token"]
    listing = "^/api/v1/repository/%s/tag/$" % repository
    # The role reads the tags (quay_tag_info: one GET), plans, then quay_tag reads them again before deleting: that
    # second GET is held 2 s, and while it is held, t2 is pushed again (moved to another manifest).
    quay.fault(method="GET", path=listing, skip=1, action="delay", delay=2.0)
    plays = [{"name": "prune", "hosts": "localhost", "gather_facts": False,
              "module_defaults": {"group/quaytools.tags.quay": {"quay_host": quay.url, "quay_token": token}},
              "tasks": [
                  {"name": "prune", "ansible.builtin.include_role": {"name": "quaytools.tags.prune"},
                   "vars": {"prune_repositories": [repository], "prune_match": ["t[0-9]+"], "prune_protect": []}},
                  {"name": "summary", "ansible.builtin.debug": {"var": "prune_summary"}},
              ]}]
    handle = ansible.start(plays)
    deadline = time.monotonic() + 120
    while quay.faults()[0]["fired"] == 0:
        assert time.monotonic() < deadline and handle[0].poll() is None, "the role never read the tags a second time"
        time.sleep(0.02)
    push = requests.put("%s/api/v1/repository/%s/tag/t2" % (quay.url, repository), json={"manifest_digest": m2},
                        headers={"Authorization": "Bearer " + token}, timeout=10)
    assert push.status_code == 201, push.text
    run = ansible.finish(handle)

    assert run.returncode == 0, run.explain()
    assert quay.tags(repository)["t2"] == m2
    assert not set(quay.tags(repository)) & {"t1", "t3", "t4"}
    deleted = sorted(e["path"].rsplit("/", 1)[1] for e in quay.writes(repository) if e["method"] == "DELETE")
    assert deleted == ["t1", "t3", "t4"]
    summary = run.result("summary")["prune_summary"][0]
    assert sorted(summary["changed_tags"]) == ["t1", "t3", "t4"]
    assert summary["skipped_tags"] == [{"name": "t2", "manifest_digest": m2, "reason": (
        "it points at %s, not at the expected %s: it moved after the deletion was planned, so it is left alone" % (m2, m1))}]
    assert "t2: not deleted: it points at" in run.stdout + run.stderr  # the warning
