# -*- coding: utf-8 -*-
# Copyright (c) 2026 quaytools.tags contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

from __future__ import absolute_import, division, print_function

__metaclass__ = type

# The tag name option, once: quay_tag requires it, quay_tag_info does not. Its argument spec is
# plugins/module_utils/_options.py TAG_NAMES_ARG_SPEC; the two must agree (ansible-test validate-modules checks it).
_NAMES = r"""
options:
  name:
    description:
      - The tag names, case-sensitive. A single name can be given as a string.
      - Each name is 1 to 128 characters from C(A-Z a-z 0-9 _ . -) and does not start with C(.) or C(-); a name that
        breaks this rule is refused before any request is sent. A name given twice counts once.
    type: list
    elements: str
%s    aliases:
      - tag
"""


class ModuleDocFragment(object):
    # The repository option of the tag modules (argument spec: plugins/module_utils/_options.py REPOSITORY_ARG_SPEC).
    DOCUMENTATION = r"""
options:
  repository:
    description:
      - The repository, as C(namespace/name), for example V(myorg/app). Nested names such as V(myorg/team/app) are allowed.
      - It is checked before any request is sent. A repository that does not exist, or that the token cannot read, makes
        the task fail.
    type: str
    required: true
"""

    # quaytools.tags.tag_options.names: an optional list of tag names.
    NAMES = _NAMES % ""

    # quaytools.tags.tag_options.names_required: the same, required.
    NAMES_REQUIRED = _NAMES % "    required: true\n"
