# -*- coding: utf-8 -*-
# Copyright (c) 2026 quaytools.tags contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

# FOR INTERNAL COLLECTION USE ONLY.
# The interfaces in this file are meant for use within the quaytools.tags collection
# and may not remain stable to outside uses. Changes may be made in ANY release.

"""The argument specs of the options several tag modules share, documented once in plugins/doc_fragments/tag_options.py
(the way kubernetes.core shares NAME_ARG_SPEC): a module builds its spec with ``argument_spec(...)``."""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import copy

# quaytools.tags.tag_options (DOCUMENTATION)
# One repository (namespace/name) or a list of them (_multi_params checks and expands the entries).
REPOSITORY_ARG_SPEC = {"repository": {"type": "raw", "required": True}}

# quaytools.tags.tag_options.names
TAG_NAMES_ARG_SPEC = {"name": {"type": "list", "elements": "str", "aliases": ["tag"]}}


def argument_spec(*shared, **own):
    """A module's argument spec: deep copies of the ``shared`` spec dicts, then the module's ``own`` options."""
    spec = {}
    for part in shared:
        spec.update(copy.deepcopy(part))
    spec.update(own)
    return spec
