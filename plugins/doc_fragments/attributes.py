# -*- coding: utf-8 -*-
# Copyright (c) 2026 quaytools.tags contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

from __future__ import absolute_import, division, print_function

__metaclass__ = type


class ModuleDocFragment(object):
    # Attribute descriptions shared by the modules; each module sets only the support levels.
    DOCUMENTATION = r"""
options: {}
attributes:
  check_mode:
    description: Can run in check mode and return changed status prediction without modifying target.
  diff_mode:
    description: Will return details on what has changed (or possibly needs changing in check mode), when in diff mode.
  action:
    description: Indicates this has a corresponding action plugin so some parts of the options can be executed on the controller.
    support: full
    details:
      - On a local connection, without C(become) or C(async), and unless C(ansible_python_interpreter) names another
        Python than the one running Ansible, the module's logic runs in Ansible's own worker process (the fast path),
        with the same results. Elsewhere the module runs as usual.
      - Set the variable C(quaytools_tags_fast_path) to V(false) to always run the module.
"""

    ACTIONGROUP_QUAY = r"""
options: {}
attributes:
  action_group:
    description: Use C(group/quaytools.tags.quay) in C(module_defaults) to set defaults for this module.
    support: full
    membership:
      - quaytools.tags.quay
"""

    INFO_MODULE = r"""
options: {}
attributes:
  check_mode:
    support: full
    details:
      - This action does not modify state.
  diff_mode:
    support: N/A
    details:
      - This action does not modify state.
"""
