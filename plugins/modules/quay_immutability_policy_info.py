#!/usr/bin/python
# -*- coding: utf-8 -*-
# Copyright (c) 2026 quaytools.tags contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

from __future__ import absolute_import, division, print_function

__metaclass__ = type

DOCUMENTATION = r"""
module: quay_immutability_policy_info
short_description: Read Quay's immutability policies of an organization or a repository
version_added: 1.1.0
author: quaytools.tags contributors (@quaytools)
description:
  - Lists the immutability policies of an organization (or user namespace) or of one repository of a Project Quay or
    Red Hat Quay server, with their uuids, in Quay's order.
  - One C(GET). Nothing is ever changed; the module runs the same way in check mode.
  - An organization's policies act on every repository of the namespace but are not listed at repository level;
    read both to see every policy that acts on a repository. Quay has no user route for immutability policies;
    the organization route takes a user namespace.
requirements:
  - requests
extends_documentation_fragment:
  - quaytools.tags.connection
  - quaytools.tags.attributes
  - quaytools.tags.attributes.actiongroup_quay
  - quaytools.tags.attributes.info_module
options:
  namespace:
    description:
      - The organization, or user namespace, whose policies are read.
      - The token needs the C(org:admin) scope, and its user must administer the namespace.
      - Exactly one of O(namespace) or O(repository) is given.
    type: str
  repository:
    description:
      - The repository, as V(namespace/name), whose own policies are read.
      - The token needs the C(repo:admin) scope and admin permission on the repository.
    type: str
notes:
  - The server needs C(FEATURE_IMMUTABLE_TAGS) (Quay 3.17 and later). With the feature off, the module reads Quay's
    C(GET /config) and fails saying so.
seealso:
  - module: quaytools.tags.quay_immutability_policy
    description: Manage these policies.
  - module: quaytools.tags.quay_tag_info
    description: List tags, with whether each is immutable.
"""

EXAMPLES = r"""
- name: Read the immutability policies of myorg
  quaytools.tags.quay_immutability_policy_info:
    quay_host: https://quay.example.com
    quay_token: "{{ quay_org_admin_token }}"
    namespace: myorg
  register: protection

- name: Show their patterns
  ansible.builtin.debug:
    msg: "{{ protection.policies | map(attribute='tag_pattern') | list }}"
"""

RETURN = r"""
scope:
  description: Where the policies live, V(organization) (also for a user namespace) or V(repository).
  returned: success
  type: str
  sample: organization
namespace:
  description: The namespace (for a repository, its namespace).
  returned: success
  type: str
  sample: myorg
repository:
  description: The repository.
  returned: success, with O(repository)
  type: str
  sample: myorg/app
policies:
  description: The policies, in Quay's order.
  returned: success
  type: list
  elements: dict
  contains:
    uuid:
      description: Quay's id of the policy.
      type: str
      sample: 6103e606-9268-49a2-9a46-d1236e519561
    tag_pattern:
      description: The regular expression on whole tag names.
      type: str
      sample: v[0-9].*
    tag_pattern_matches:
      description: Whether the matching tags (V(true)) or the others (V(false)) are made immutable.
      type: bool
      sample: true
error:
  description:
    - Facts about the failed Quay request, safe to show (no token, no headers).
  returned: failure of a Quay request
  type: dict
  sample: {"kind": "readonly", "status": 503, "method": "PUT", "path": "/api/v1/repository/myorg/app/tag/stable",
           "server_message": "Repository is in read only or mirror mode: 1", "attempts": 1}
  contains:
    kind:
      description: What failed, in one word a playbook can test.
      returned: always
      type: str
      choices:
        - auth
        - bad_request
        - bad_response
        - immutable
        - network
        - not_found
        - permission
        - rate_limit
        - readonly
        - redirect
        - server
        - timeout
        - tls
        - unavailable
    status:
      description: The HTTP status of Quay's last answer, or V(null) when no answer came (network, timeout, TLS).
      returned: always
      type: int
    method:
      description: The HTTP method of the failed request.
      returned: always
      type: str
    path:
      description: The path of the failed request, without the query.
      returned: always
      type: str
    server_message:
      description: Quay's own error message, when its answer had one.
      returned: always
      type: str
    attempts:
      description: How many times the request was sent, retries included.
      returned: always
      type: int
api_requests:
  description: How many HTTP requests were sent to Quay, retries included.
  returned: always
  type: int
  sample: 1
"""

from ansible_collections.quaytools.tags.plugins.module_utils._module import QuayModule
from ansible_collections.quaytools.tags.plugins.module_utils._policy_client import scope_argument_spec
from ansible_collections.quaytools.tags.plugins.module_utils._immutability_policy_info import run


def spec():
    """The options of this module as AnsibleModule keyword arguments (read by the module and by its action plugin)."""
    return dict(
        argument_spec=scope_argument_spec(user_allowed=False),
        mutually_exclusive=[("namespace", "repository")],
        required_one_of=[("namespace", "repository")],
        supports_check_mode=True,
    )


def main():
    run(QuayModule(**spec()))


if __name__ == "__main__":
    main()
