# -*- coding: utf-8 -*-
# Copyright (c) 2026 quaytools.tags contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

"""Fixtures of the end-to-end tests: the Quay emulator in-process, and real ansible-playbook runs against it.

``quay`` is the emulator (reset before each test), ``ansible`` runs playbooks as subprocesses with the interpreter
and ansible-core of this pytest, the checkout reachable as ``quaytools.tags`` through a symlink farm, and every task
result recorded by the ``e2e_record`` callback (tests/e2e/callback_plugins) next to the default stdout output.
The helpers are in e2e_support.py.
"""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import os

import pytest

from e2e_support import ROOT, Ansible, Quay, make_seed
from quay_emulator import Emulator


# -- fixtures ---------------------------------------------------------------------------------------------------------

@pytest.fixture(scope="session")
def collections_path(tmp_path_factory):
    """A directory where ansible_collections/quaytools/tags is a symlink to this checkout."""
    base = tmp_path_factory.mktemp("e2e")
    namespace = base / "collections" / "ansible_collections" / "quaytools"
    namespace.mkdir(parents=True)
    os.symlink(ROOT, str(namespace / "tags"))
    return str(base / "collections")


@pytest.fixture(scope="session")
def emulator():
    server = Emulator(seed=make_seed(())).start()
    yield server
    server.stop()


@pytest.fixture
def quay(emulator):
    """The emulator, reset to an empty e2e world (call ``quay.load(names)`` for repositories)."""
    helper = Quay(emulator)
    helper.load()
    return helper


@pytest.fixture
def ansible(tmp_path, collections_path, quay):
    return Ansible(str(tmp_path), collections_path, quay)
