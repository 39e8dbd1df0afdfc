#!/usr/bin/python
# -*- coding: utf-8 -*-
# Copyright (c) 2026 quaytools.tags contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

from __future__ import absolute_import, division, print_function

__metaclass__ = type

DOCUMENTATION = r"""
module: quay_autoprune_policy_info
short_description: Read Quay's auto-prune policies of an organization, a user or a repository
version_added: 1.1.0
author: quaytools.tags contributors (@quaytools)
description:
  - Lists the auto-prune policies of one scope of a Project Quay or Red Hat Quay server, an organization (or user
    namespace), the namespace of the token's user, or one repository, with their uuids, in Quay's order.
  - One C(GET). Nothing is ever changed; the module runs the same way in check mode.
  - A repository's own policies apply in addition to those of its namespace; read both to see every policy that
    acts on a repository.
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
      - The organization, or user namespace, whose policies are read, through Quay's organization route.
      - The token needs the C(org:admin) scope, and its user must administer the namespace.
      - Exactly one of O(namespace), O(repository) or O(scope=user) is given.
    type: str
  repository:
    description:
      - The repository, as V(namespace/name), whose own policies are read.
      - The token needs the C(repo:admin) scope and admin permission on the repository.
    type: str
  scope:
    description:
      - V(user) reads the namespace of the token's own user, through Quay's user route, with a token that has the
        C(user:admin) scope. Otherwise the scope follows from O(namespace) or O(repository).
    type: str
    choices:
      - organization
      - user
      - repository
notes:
  - The server needs C(FEATURE_AUTO_PRUNE). With the feature off, the module reads Quay's C(GET /config) and fails
    saying so.
seealso:
  - module: quaytools.tags.quay_autoprune_policy
    description: Manage these policies.
  - module: quaytools.tags.quay_immutability_policy_info
    description: Read the immutability policies of a scope.
"""

EXAMPLES = r"""
- name: Read what auto-prunes myorg/app (its namespace's policies and its own)
  module_defaults:
    group/quaytools.tags.quay:
      quay_host: https://quay.example.com
      quay_token: "{{ quay_admin_token }}"
  block:
    - name: The namespace's policies
      quaytools.tags.quay_autoprune_policy_info:
        namespace: myorg
      register: namespace_policies

    - name: The repository's own policies
      quaytools.tags.quay_autoprune_policy_info:
        repository: myorg/app
      register: repository_policies

    - name: Show them
      ansible.builtin.debug:
        msg: "{{ namespace_policies.policies + repository_policies.policies }}"
"""

RETURN = r"""
scope:
  description: Where the policies live, V(organization) (also for a user namespace), V(user) or V(repository).
  returned: success
  type: str
  sample: organization
namespace:
  description: The namespace (for a repository, its namespace). V(null) for O(scope=user).
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
      sample: a1721420-f5a6-4e55-a7b6-92c9fc2adaaf
    method:
      description: V(number_of_tags) (keep that many of the newest tags) or V(creation_date) (prune older tags).
      type: str
      sample: creation_date
    value:
      description: The number of tags to keep, or the age, such as V(7d).
      type: raw
      sample: 7d
    tag_pattern:
      description: The regular expression on tag names, or V(null) for a policy on every tag.
      type: str
      sample: ^ci-.*
    tag_pattern_matches:
      description:
        - Whether the policy acts on the tags matching RV(policies[].tag_pattern) or on the others.
        - V(null) for policies that older Quay versions stored without a pattern.
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
from ansible_collections.quaytools.tags.plugins.module_utils._autoprune_policy_info import run


def spec():
    """The options of this module as AnsibleModule keyword arguments (read by the module and by its action plugin)."""
    return dict(
        argument_spec=scope_argument_spec(user_allowed=True),
        mutually_exclusive=[("namespace", "repository")],
        supports_check_mode=True,
    )


def main():
    run(QuayModule(**spec()))


if __name__ == "__main__":
    main()
