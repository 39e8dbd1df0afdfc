# -*- coding: utf-8 -*-
# Copyright (c) 2026 quaytools.tags contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

"""The README's "try it" path works as printed.

Its first playbook is playbooks/first.yml, and the shell commands of "Try it, test it" run that playbook against
the emulator they start. The commands run as they are printed, with two differences a reader does not see: the
emulator gets a free port instead of 8080 (the port may be taken on this machine), and the collection is installed
into a temporary collections path instead of ~/.ansible (ANSIBLE_COLLECTIONS_PATH, ANSIBLE_HOME).
"""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import os
import re
import signal
import socket
import subprocess

from e2e_support import ROOT

README = os.path.join(ROOT, "README.md")
PLAYBOOK = os.path.join(ROOT, "playbooks", "first.yml")
PRINTED_PORT = "8080"


def section(text, heading):
    """The text of one ``## heading`` section of the README."""
    match = re.search(r"^## %s\n(.*?)(?=^## |\Z)" % re.escape(heading), text, re.M | re.S)
    assert match, "README.md has no section '## %s'" % heading
    return match.group(1)


def blocks(text, language):
    return re.findall(r"^```%s\n(.*?)^```$" % language, text, re.M | re.S)


def readme():
    with open(README, encoding="utf-8") as handle:
        return handle.read()


def free_port():
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return str(sock.getsockname()[1])


def listening(port):
    with socket.socket() as sock:
        sock.settimeout(1)
        return sock.connect_ex(("127.0.0.1", int(port))) == 0


def test_the_first_playbook_is_the_file_the_commands_run():
    printed = blocks(section(readme(), "A first playbook"), "yaml")
    assert len(printed) == 1
    with open(PLAYBOOK, encoding="utf-8") as handle:
        # the file's leading comments say where it is printed; the rest is what the README shows
        content = "".join(line for line in handle if not line.startswith("#"))
    assert printed[0] == content


def test_the_try_it_commands_run_the_first_playbook_against_the_emulator(tmp_path):
    commands = [block for block in blocks(section(readme(), "Try it, test it"), "sh") if "ansible-playbook" in block]
    assert len(commands) == 1
    script = commands[0]
    assert "playbooks/first.yml" in script and "quay_emulator.py" in script
    assert script.count(PRINTED_PORT) == 2, "the emulator's port appears in its command and in QUAY_HOST"
    port = free_port()
    env = dict(os.environ, ANSIBLE_COLLECTIONS_PATH=str(tmp_path / "collections"),
               ANSIBLE_HOME=str(tmp_path / "ansible-home"), ANSIBLE_NOCOLOR="1")
    env.pop("QUAY_HOST", None)
    env.pop("QUAY_TOKEN", None)
    # a shell of its own, so that whatever the commands start is stopped below even when they fail half-way
    process = subprocess.Popen(["bash", "-e", "-c", script.replace(PRINTED_PORT, port)], cwd=ROOT, env=env,
                               stdout=subprocess.PIPE, stderr=subprocess.STDOUT, universal_newlines=True,
                               start_new_session=True)
    try:
        output = process.communicate(timeout=300)[0]
    finally:
        try:
            os.killpg(process.pid, signal.SIGTERM)
        except OSError:
            pass
        process.wait()
    assert process.returncode == 0, output
    # the three tasks of the first playbook changed Quay (a promotion, a new tag, a roll-back), none failed
    assert re.search(r"localhost\s+: ok=3\s+changed=3\s+unreachable=0\s+failed=0", output), output
    assert (tmp_path / "collections" / "ansible_collections" / "quaytools" / "tags" / "MANIFEST.json").is_file()
    assert not listening(port), "the README's last command leaves the emulator running"
