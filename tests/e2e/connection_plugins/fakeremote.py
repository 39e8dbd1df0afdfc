# -*- coding: utf-8 -*-
# Copyright (c) 2026 quaytools.tags contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

"""Connection of the end-to-end tests: the local connection, reported as another transport.

A task delegated to a host with ``ansible_connection: fakeremote`` runs on this machine like any local task, but
the quaytools.tags action plugins see a connection that is not ``local`` and must run the module, as they do for
ssh or any other remote connection. No sshd is needed for that test.
"""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

DOCUMENTATION = r"""
name: fakeremote
short_description: The local connection under another transport name (quaytools.tags end-to-end tests only)
description:
  - Runs commands on the controller like the local connection, but reports the transport C(fakeremote).
author: quaytools.tags contributors (@quaytools)
extends_documentation_fragment:
  - connection_pipelining
"""

from ansible.plugins.connection.local import Connection as LocalConnection


class Connection(LocalConnection):
    transport = "fakeremote"
