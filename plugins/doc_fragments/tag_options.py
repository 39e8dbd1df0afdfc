# -*- coding: utf-8 -*-
# Copyright (c) 2026 quaytools.tags contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

from __future__ import absolute_import, division, print_function

__metaclass__ = type


class ModuleDocFragment(object):
    # The repository option of the tag modules (argument spec: plugins/module_utils/_options.py REPOSITORY_ARG_SPEC;
    # the two must agree, ansible-test validate-modules checks it). What an entry of a list may give differs per
    # module: each module's notes say it.
    DOCUMENTATION = r"""
options:
  repository:
    description:
      - The repository, as C(namespace/name), for example V(myorg/app). Nested names such as V(myorg/team/app) are allowed.
        It is checked before any request is sent.
      - Or a list of repositories (version 1.1.0 and later). The task then does the same in each of them, several at
        a time (O(parallel)), with the same requests per repository as a task for that repository alone. A repository
        that fails does not stop the others; the task fails at the end, naming each failed repository with the reason.
        The result then has RV(repositories), one entry per repository in the order of the list. Check mode and diff
        mode cover every repository.
      - An entry of the list can also be a dictionary with C(repository) and some of the task's options, which
        replace them for that repository only (the module's notes say which).
      - Every entry is checked before any request is sent, and an error names the entry (V(repository[3])). A
        repository may appear only once in the list. An empty list does nothing.
    type: raw
    required: true
"""

    # quaytools.tags.tag_options.names: the tag names (argument spec: _options.py TAG_NAMES_ARG_SPEC).
    NAMES = r"""
options:
  name:
    description:
      - The tag names, case-sensitive. A single name can be given as a string.
      - Each name is 1 to 128 characters from C(A-Z a-z 0-9 _ . -) and does not start with C(.) or C(-); a name that
        breaks this rule is refused before any request is sent. A name given twice counts once.
    type: list
    elements: str
    aliases:
      - tag
"""
