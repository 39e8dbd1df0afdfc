# -*- coding: utf-8 -*-
# Copyright (c) 2026 quaytools.tags contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

"""Security through real ansible-playbook runs: the token never shows, TLS is verified unless told otherwise, and
values that try to leave their URL segment or query are refused before any request."""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

from urllib.parse import parse_qs

import pytest
import trustme

from e2e_support import ADMIN_TOKEN, NAMESPACE, OUTSIDER_TOKEN, READ_TOKEN, WRITE_TOKEN, digest, make_seed, standard_repository, tag_path
from quay_emulator import Emulator

BOGUS_TOKEN = "e2eWRONG-3e2d1c0b9a8f7e6d5c4b3a2f1e0d9c8b"
SECRETS = (ADMIN_TOKEN, WRITE_TOKEN, READ_TOKEN, OUTSIDER_TOKEN, BOGUS_TOKEN)


def repo(name):
    return "%s/%s" % (NAMESPACE, name)


def promote_args(repository, **extra):
    args = {"repository": repo(repository), "name": ["stable"], "source_tag": "candidate"}
    args.update(extra)
    return args


# -- the token never appears ------------------------------------------------------------------------------------------

LEAK_REPOSITORIES = ["info", "tag", "restore", "echo", "html", "retry", "role1", "role2", "prune"]
FORMS = ("option", "environment", "keyword")
# (how the token is given, which path runs the tasks). On the module path, ansible-core itself prints the values of
# the `environment` keyword in its -vvv EXEC line (README, "The fast path"), so that form runs on the fast path only.
RUNS = (("option", "fast"), ("option", "module"), ("environment", "fast"), ("environment", "module"), ("keyword", "fast"))


def leak_playbook(url, label, form):
    """Every module and both roles, succeeding and failing, the failures echoing the token back where a server could.

    The token is a connection option in module_defaults (form ``option``), only in QUAY_TOKEN exported to
    ansible-playbook (``environment``, as AWX injects a credential), or in the play's ``environment`` keyword
    (``keyword``). Host ``modules`` runs the module tasks while hosts ``promote`` and ``prune`` run the roles, side by
    side. Every repository name starts with ``label``.
    """
    defaults = {"quay_host": url, "retries": 1, "timeout": 10}
    if form == "option":
        defaults["quay_token"] = ADMIN_TOKEN

    def at(name):
        return repo("%s-%s" % (label, name))

    def rescued(name, role, variables):
        return {"name": name, "block": [{"name": name + " (role)", "ansible.builtin.include_role": {"name": role},
                                         "vars": variables}],
                "rescue": [{"name": name + " (rescued)", "ansible.builtin.debug": {"msg": "{{ ansible_failed_result.msg }}"}}]}

    def promote(repository, **extra):
        return dict({"repository": at(repository), "name": ["stable"], "source_tag": "candidate"}, **extra)

    modules = [
        {"name": "info succeeds", "quaytools.tags.quay_tag_info": {"repository": at("info")}},
        {"name": "tag succeeds", "quaytools.tags.quay_tag": promote("tag", name=["stable", "prod"], expiration="2w"),
         "diff": True},
        {"name": "restore succeeds", "quaytools.tags.quay_tag_restore": {
            "repository": at("restore"), "name": "stable", "manifest_digest": digest(at("restore"), 1)}, "diff": True},
        {"name": "tag fails, Quay echoes the token", "quaytools.tags.quay_tag": promote("echo"), "ignore_errors": True},
        {"name": "info fails, a proxy page shows the token", "quaytools.tags.quay_tag_info": {"repository": at("html")},
         "ignore_errors": True},
        {"name": "tag fails after retries", "quaytools.tags.quay_tag": promote("retry"), "ignore_errors": True},
        {"name": "restore fails", "quaytools.tags.quay_tag_restore": {"repository": at("missing"), "name": "stable"},
         "ignore_errors": True},
        {"name": "tag fails on bad input", "quaytools.tags.quay_tag": promote("tag", name=["../stable"]), "ignore_errors": True},
        {"name": "info fails with a wrong token",
         "quaytools.tags.quay_tag_info": {"repository": at("info"), "quay_token": BOGUS_TOKEN}, "ignore_errors": True},
    ]
    roles = [
        {"name": "promote succeeds", "ansible.builtin.include_role": {"name": "quaytools.tags.promote"},
         "vars": {"promote_repositories": [at("role1"), at("role2")], "promote_source_tag": "candidate",
                  "promote_target_tags": ["stable"]}},
        rescued("promote fails", "quaytools.tags.promote", {
            "promote_repositories": [at("role1"), at("missing")], "promote_source_tag": "candidate",
            "promote_target_tags": ["prod"]}),
        {"name": "prune succeeds", "ansible.builtin.include_role": {"name": "quaytools.tags.prune"},
         "vars": {"prune_repositories": [at("prune")], "prune_match": ["t[0-9]"], "prune_protect": []}},
        rescued("prune fails", "quaytools.tags.prune", {"prune_repositories": [at("missing")], "prune_match": ["t.*"]}),
    ]
    play = {"name": "token", "hosts": "all", "gather_facts": False, "strategy": "free",
            "module_defaults": {"group/quaytools.tags.quay": defaults},
            "tasks": [{"name": "modules", "block": modules, "when": "inventory_hostname == 'modules'"},
                      {"name": "promote", "block": roles[:2], "when": "inventory_hostname == 'promote'"},
                      {"name": "prune", "block": roles[2:], "when": "inventory_hostname == 'prune'"}]}
    if form == "keyword":
        play["environment"] = {"QUAY_TOKEN": ADMIN_TOKEN}
    return [play]


def test_the_token_never_appears_in_any_output(quay, ansible):
    """At -vvvv with --diff, on both paths: the token as an option, only in QUAY_TOKEN, or in the environment keyword
    (five runs at the same time)."""
    labels = dict(("%s-%s" % run, run) for run in RUNS)
    quay.load(["%s-%s" % (label, name) for label in labels for name in LEAK_REPOSITORIES])
    echo = "Authorization: Bearer %s" % ADMIN_TOKEN
    inventory = {"all": {"hosts": {"modules": {}, "promote": {}, "prune": {}}, "vars": {"ansible_connection": "local"}}}
    started = {}
    for label, (form, path) in labels.items():
        prefix = "^/api/v1/repository/e2e/%s-" % label
        quay.fault(method="PUT", path=prefix + "echo/", status=400, body={"message": "bad header %s" % echo})
        quay.fault(method="GET", path=prefix + "html/", status=403, content_type="text/html",
                   body="<html><head><title>Denied: %s</title></head><body>%s</body></html>" % (echo, echo))
        quay.fault(method="PUT", path=prefix + "retry/", status=503, count=0, body="upstream reset (%s)" % echo)
        env = {"QUAY_TOKEN": ADMIN_TOKEN} if form == "environment" else {}
        started[label] = ansible.start(leak_playbook(quay.url, label, form), inventory=inventory, verbosity=4, diff=True,
                                       env=env, extra_args=("-e", "quaytools_tags_fast_path=%s" % (path == "fast")))
    runs = dict((label, ansible.finish(handle)) for label, handle in started.items())

    for label, run in runs.items():
        form, path = labels[label]
        # It ran what it should: every success succeeded, every failure failed (and was echoed the token).
        assert run.returncode == 0, run.explain()
        statuses = dict((r["task"], r["status"]) for r in run.records if r["status"] != "skipped")
        assert [statuses[t] for t in ("info succeeds", "tag succeeds", "restore succeeds")] == ["ok", "changed", "changed"]
        for task in ("tag fails, Quay echoes the token", "info fails, a proxy page shows the token", "tag fails after retries",
                     "restore fails", "tag fails on bad input", "info fails with a wrong token"):
            assert statuses[task] == "failed", (label, task, run.explain())
        assert "promote fails (rescued)" in statuses and "prune fails (rescued)" in statuses, label
        assert quay.tags(repo(label + "-role1"))["stable"] == digest(repo(label + "-role1"), 3)
        assert not set(("t1", "t2", "t3", "t4")) & set(quay.tags(repo(label + "-prune")))
        # Each run took the path it was given (the module path runs AnsiballZ payloads, the fast path none).
        assert ("AnsiballZ_quay_tag.py" in run.stdout) == (path == "module"), label
        assert "bad header Authorization: Bearer ********" in run.result("tag fails, Quay echoes the token", "modules")["msg"]
        assert len(run.stdout) > 20000  # -vvvv printed every result in full

        for secret in SECRETS:
            for where, text in (("stdout", run.stdout), ("stderr", run.stderr), ("returned JSON", run.returned_json)):
                assert secret not in text, "%s leaked in %s (token as %s, %s path)" % (secret, where, form, path)
    for label in ("option-fast", "option-module"):
        masked = runs[label].result("info succeeds", "modules")["invocation"]["module_args"]["quay_token"]
        assert masked == "VALUE_SPECIFIED_IN_NO_LOG_PARAMETER"


# -- TLS --------------------------------------------------------------------------------------------------------------

TLS_REPOSITORIES = ["tls-default", "tls-other-ca", "tls-ca-path", "tls-no-scheme", "tls-no-verify"]


@pytest.fixture(scope="module")
def tls(tmp_path_factory):
    """The emulator over HTTPS with a certificate for 127.0.0.1 from a throwaway CA; also another CA's bundle."""
    directory = tmp_path_factory.mktemp("tls")
    authority = trustme.CA()
    authority.issue_cert("127.0.0.1", "localhost").private_key_and_cert_chain_pem.write_to_path(str(directory / "server.pem"))
    authority.cert_pem.write_to_path(str(directory / "ca.pem"))
    trustme.CA().cert_pem.write_to_path(str(directory / "other-ca.pem"))
    server = Emulator(seed=make_seed(TLS_REPOSITORIES), tls_cert=str(directory / "server.pem"),
                      tls_key=str(directory / "server.pem")).start()
    server.ca_path = str(directory / "ca.pem")
    server.other_ca_path = str(directory / "other-ca.pem")
    yield server
    server.stop()


def test_tls_is_verified_unless_told_otherwise_and_http_only_when_written(quay, ansible, tls):
    tls.reset()
    quay.load(["plain-explicit", "plain-implicit"])
    https_port = tls.url.rsplit(":", 1)[1]
    http_port = quay.url.rsplit(":", 1)[1]
    cases = {
        "tls-default": {"quay_host": tls.url},
        "tls-other-ca": {"quay_host": tls.url, "ca_path": tls.other_ca_path},
        "tls-ca-path": {"quay_host": tls.url, "ca_path": tls.ca_path},
        "tls-no-scheme": {"quay_host": "127.0.0.1:%s" % https_port, "ca_path": tls.ca_path},
        "tls-no-verify": {"quay_host": tls.url, "validate_certs": False},
        "plain-explicit": {"quay_host": quay.url},
        "plain-implicit": {"quay_host": "127.0.0.1:%s" % http_port},
    }
    run = ansible.cases(dict((name, {"module": "quay_tag", "args": promote_args(name), "conn": conn})
                             for name, conn in cases.items()))

    for name in ("tls-default", "tls-other-ca"):
        result = run.case(name)
        assert result["failed"] is True and result["error"]["kind"] == "tls" and result["error"]["attempts"] == 1
        assert result["msg"].startswith("TLS verification failed for https://127.0.0.1:%s: [SSL: CERTIFICATE_VERIFY_FAILED] "
                                        "certificate verify failed: " % https_port), result["msg"]
        assert "Give the CA bundle that signed Quay's certificate in ca_path (or QUAY_CA_PATH)" in result["msg"]
    for name in ("tls-ca-path", "tls-no-scheme", "tls-no-verify"):
        result = run.case(name)
        assert not result.get("failed") and result["changed"] is True, (name, result.get("msg"))
        assert [e["method"] for e in tls.log()["requests"] if e["path"].startswith(tag_path(repo(name)))] == ["GET", "PUT"]
    assert [w for w in run.case("tls-no-verify").get("warnings", []) if "validate_certs" in w] == [
        "validate_certs is false: the TLS certificate of %s is not verified, so the token could be sent to an impostor; "
        "give your CA bundle in ca_path instead" % tls.url]
    assert not any("validate_certs" in w for w in run.case("tls-ca-path").get("warnings", []))
    # The handshakes that failed never became requests.
    assert not [e for e in tls.log()["requests"] if e["path"].startswith((tag_path(repo("tls-default")),
                                                                          tag_path(repo("tls-other-ca"))))]

    result = run.case("plain-explicit")
    assert not result.get("failed") and result["changed"] is True
    result = run.case("plain-implicit")
    assert result["failed"] is True and result["error"]["kind"] == "tls"
    assert result["msg"].startswith("https://127.0.0.1:%s does not speak TLS (" % http_port), result["msg"]
    assert "if this server serves plain HTTP, write http:// in quay_host explicitly" in result["msg"]
    assert quay.requests(repo("plain-implicit")) == []


# -- injection --------------------------------------------------------------------------------------------------------

# ../, %2F, ?, #, spaces, unicode, newlines (and CR LF header injection) in each of the three places a value goes.
NASTY_TAGS = ["../stable", "stable%2F..", "stable?x=1", "stable#x", "sta ble", "st\u00e4ble", "stable\nx", "stable\r\nX-Injected: 1",
              "st\u200bable"]
NASTY_REPOSITORIES = ["e2e/../admin", "e2e%2Fapp", "e2e/app?x=1", "e2e/app#x", "e2e/app x", "e2e/\u00e4pp", "e2e/app\n",
                      "e2e//app", "/e2e/app"]
NASTY_FILTERS = ["like:../", "like:a/b", "like:a?b", "like:a#b", "like:a b", "like:\u00e4", "like:a\nb", "eq:x&limit=1"]
NESTED = "e2e/team/inj.app-x_y"


def injection_cases():
    cases = {}
    modules = ("quay_tag", "quay_tag_info", "quay_tag_restore")
    for index, value in enumerate(NASTY_TAGS):
        module = modules[index % 3]
        args = {"repository": repo("app"), "name": [value] if module == "quay_tag" else value}
        if module == "quay_tag":
            args["manifest_digest"] = digest(repo("app"), 1)
        cases["tag-%02d" % index] = (module, args, "name")
    cases["source-tag"] = ("quay_tag", {"repository": repo("app"), "name": ["stable"], "source_tag": "../candidate"}, "source_tag")
    for index, value in enumerate(NASTY_REPOSITORIES):
        module = modules[index % 3]
        args = {"repository": value}
        if module != "quay_tag_info":
            args["name"] = ["stable"] if module == "quay_tag" else "stable"
        cases["repository-%02d" % index] = (module, args, "repository")
    for index, value in enumerate(NASTY_FILTERS):
        cases["filter-%02d" % index] = ("quay_tag_info", {"repository": repo("app"), "filter_tag_name": value}, "filter_tag_name")
    return cases


def test_values_that_try_to_leave_their_url_segment_are_refused_before_any_request(quay, ansible):
    quay.load(["app", "wildcard"], repositories={NESTED: standard_repository(NESTED)})
    nasty = injection_cases()
    cases = dict((name, {"module": module, "args": args}) for name, (module, args, option) in nasty.items())
    # Valid values that look odd still go exactly where they belong: % is a wildcard of like:, and stays in the query.
    cases["ok-filter"] = {"module": "quay_tag_info", "args": {"repository": repo("wildcard"), "filter_tag_name": "like:%2F"}}
    cases["ok-nested"] = {"module": "quay_tag", "args": {"repository": NESTED, "name": ["v_1.0-rc"],
                                                         "manifest_digest": digest(NESTED, 1)}}
    run = ansible.cases(cases)

    wrong = {}
    for name, (module, args, option) in nasty.items():
        result = run.case(name)
        if not result.get("failed") or not result["msg"].startswith(option + ": "):
            wrong[name] = (args, result.get("msg"))
    assert wrong == {}
    # Not one request anywhere else: the log holds the three requests of the valid cases and nothing more.
    calls = ["%s %s" % (e["method"], e["path"]) for e in quay.requests()]
    assert sorted(calls) == sorted(["GET " + tag_path(repo("wildcard")), "GET " + tag_path(NESTED),
                                    "PUT " + tag_path(NESTED, "v_1.0-rc")]), calls
    query = [e["query"] for e in quay.requests() if e["path"] == tag_path(repo("wildcard"))][0]
    assert parse_qs(query)["filter_tag_name"] == ["like:%2F"]
    assert run.case("ok-filter")["tags"] == []
    assert quay.tags(NESTED)["v_1.0-rc"] == digest(NESTED, 1)
