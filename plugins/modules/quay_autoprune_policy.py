#!/usr/bin/python
# -*- coding: utf-8 -*-
# Copyright (c) 2026 quaytools.tags contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

from __future__ import absolute_import, division, print_function

__metaclass__ = type

DOCUMENTATION = r"""
module: quay_autoprune_policy
short_description: Manage Quay's server-side auto-prune policies of an organization, a user or a repository
version_added: 1.1.0
author: quaytools.tags contributors (@quaytools)
description:
  - Declares the auto-prune policies of one scope of a Project Quay or Red Hat Quay server, an organization (or user
    namespace), the namespace of the token's user, or one repository, and changes only what differs.
  - An auto-prune policy lets Quay itself delete tags in the background, either all but a number of the newest
    tags (V(number_of_tags)), or the tags older than an age (V(creation_date)), optionally only the tags whose name
    matches (or does not match) a regular expression. Quay's auto-prune worker applies them on its own schedule;
    this module only manages the policies.
  - Existing policies are matched by their content, never by uuid. A listed policy that exists is left alone. A
    listed policy with the same method and tag pattern as an existing one, but another value, updates that policy
    in place. With O(exclusive=true), every policy that is not listed is deleted, or updated into a listed one
    that is still missing (one request instead of a delete and a create).
  - Every option is checked before any request is sent, more strictly than Quay does. Quay accepts a
    C(tagPattern) that is not a valid regular expression and ages such as C(-1d) or C(0d); this module refuses them.
  - Reports C(changed) only when Quay was changed (or, in check mode, would be); check mode sends no write.
requirements:
  - requests
extends_documentation_fragment:
  - quaytools.tags.connection
  - quaytools.tags.attributes
  - quaytools.tags.attributes.actiongroup_quay
attributes:
  check_mode:
    support: full
    details:
      - The policies that would be created have RV(policies[].uuid) V(null), since Quay gives the uuid.
  diff_mode:
    support: full
    details:
      - The scope's policy set before and after (method, value, tag pattern; no uuids).
options:
  namespace:
    description:
      - The organization, or user namespace, whose policies are managed, through Quay's organization route
        (C(/api/v1/organization/{namespace}/autoprunepolicy/)), which serves user namespaces too.
      - These policies apply to every repository of the namespace.
      - The token needs the C(org:admin) scope, and its user must administer the namespace.
      - Exactly one of O(namespace), O(repository) or O(scope=user) is given.
    type: str
  repository:
    description:
      - The repository, as V(namespace/name), whose own policies are managed. They apply in addition to those of
        its namespace.
      - The token needs the C(repo:admin) scope and admin permission on the repository.
    type: str
  scope:
    description:
      - Where the policies live. It follows from O(namespace) (V(organization)) or O(repository) (V(repository)),
        so it is only needed for V(user).
      - V(user) manages the namespace of the token's own user, through Quay's user route
        (C(/api/v1/user/autoprunepolicy/)), with a token that has the C(user:admin) scope. O(namespace) and
        O(repository) are then not given.
    type: str
    choices:
      - organization
      - user
      - repository
  policies:
    description:
      - The policies. Write V([]) with O(exclusive=true) to delete every policy of the scope.
      - Two listed policies with the same O(policies[].method) and tag pattern are refused, since only the stricter
        value would ever act.
    type: list
    elements: dict
    required: true
    suboptions:
      method:
        description:
          - V(number_of_tags) keeps that many of the newest tags and prunes the others.
          - V(creation_date) prunes the tags created longer ago than O(policies[].value).
        type: str
        required: true
        choices:
          - number_of_tags
          - creation_date
      value:
        description:
          - For V(number_of_tags), the number of tags to keep, a whole number of at least V(1), such as V(10).
          - For V(creation_date), an age, a positive whole number followed by one unit, V(s), V(m), V(h), V(d),
            V(w) or V(y), such as V(7d) or V(4w). Combined units (V(1w2d)), signs and blanks are refused.
        type: raw
        required: true
      tag_pattern:
        description:
          - A regular expression (Python syntax, as Quay uses) on tag names. The policy then acts only on the tags
            it matches (or, with O(policies[].tag_pattern_matches=false), only on those it does not match).
          - Not set, the policy acts on every tag.
          - It must compile, and must not start or end with blanks (Quay strips them).
        type: str
      tag_pattern_matches:
        description:
          - Whether the policy acts on the tags that match O(policies[].tag_pattern) (V(true)) or on those that do
            not (V(false)). V(false) needs a O(policies[].tag_pattern).
        type: bool
        default: true
  state:
    description:
      - V(present) makes the listed policies exist (and, with O(exclusive=true), only them).
      - V(absent) deletes the policies equal to the listed ones (method, value and tag pattern); others stay.
    type: str
    choices:
      - present
      - absent
    default: present
  exclusive:
    description:
      - With V(true), O(policies) is the whole set. Policies of the scope that are not listed are deleted (or
        updated into listed ones that are missing). Duplicate policies Quay holds are reduced to one.
      - Only with O(state=present).
    type: bool
    default: false
notes:
  - The server needs the auto-prune feature (C(FEATURE_AUTO_PRUNE), Quay 3.10 and later; repository policies
    since 3.11, tag patterns since 3.13). With the feature off, Quay has no policy routes; the module then reads Quay's C(GET /config) and
    fails saying so, before any write. A policy C(DELETE) that Quay answers with HTTP 204 is never taken as done
    (with the feature off, Quay's repository route takes a repository-level policy URL and answers 204 without
    deleting anything).
  - "Token scopes: C(org:admin) for O(namespace), C(user:admin) for O(scope=user), C(repo:admin) for O(repository).
    A token without it gets HTTP 403, and the message names the scope needed. Quay answers 403, not 404, for an
    organization that does not exist."
  - Requests sent, retries aside - one C(GET) of the scope's policies, then one C(DELETE), C(PUT) or C(POST) per
    change. A second run of the same task sends the C(GET) only.
  - Auto-prune deletes tags on the server without any plan shown beforehand; deleted tags stay restorable with
    M(quaytools.tags.quay_tag_restore) only within the namespace's time-machine window. The
    P(quaytools.tags.prune#role) role is the client-side alternative that prints its plan and can run in check mode.
seealso:
  - module: quaytools.tags.quay_autoprune_policy_info
    description: Read the auto-prune policies of a scope.
  - module: quaytools.tags.quay_immutability_policy
    description: Protect tags from pruning and moves with immutability policies.
  - name: Recipe, registry retention as code
    description: Organization-wide defaults with per-repository exceptions, and when to prune client-side instead.
    link: https://github.com/quaytools/tags/blob/main/docs/docsite/rst/guide_recipes.rst
"""

EXAMPLES = r"""
- name: Manage auto-prune policies with the connection set once
  module_defaults:
    group/quaytools.tags.quay:
      quay_host: https://quay.example.com
      quay_token: "{{ quay_org_admin_token }}"
  block:
    - name: In myorg, keep the 50 newest tags and prune CI tags after two weeks, and nothing else
      quaytools.tags.quay_autoprune_policy:
        namespace: myorg
        exclusive: true
        policies:
          - method: number_of_tags
            value: 50
          - method: creation_date
            value: 2w
            tag_pattern: ^ci-.*

    - name: Keep more history in one repository (its own policy, on top of the namespace's)
      quaytools.tags.quay_autoprune_policy:
        repository: myorg/app
        policies:
          - method: number_of_tags
            value: 200
            tag_pattern: ^v[0-9].*
      register: app_policies

    - name: Show the uuids Quay gave them
      ansible.builtin.debug:
        msg: "{{ app_policies.policies | map(attribute='uuid') | list }}"

    - name: Remove one policy, leave the others
      quaytools.tags.quay_autoprune_policy:
        namespace: myorg
        state: absent
        policies:
          - method: creation_date
            value: 2w
            tag_pattern: ^ci-.*

    - name: Remove every auto-prune policy of a repository
      quaytools.tags.quay_autoprune_policy:
        repository: myorg/legacy
        exclusive: true
        policies: []

- name: Prune the token owner's own namespace, with a user:admin token
  quaytools.tags.quay_autoprune_policy:
    quay_host: https://quay.example.com
    quay_token: "{{ quay_user_admin_token }}"
    scope: user
    policies:
      - method: creation_date
        value: 30d
"""

RETURN = r"""
scope:
  description: Where the policies live, V(organization) (also for a user namespace given as O(namespace)), V(user) or V(repository).
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
  description:
    - The policies of the scope after the task (in check mode, as they would be), in Quay's order, the created ones last.
  returned: success
  type: list
  elements: dict
  contains:
    uuid:
      description: Quay's id of the policy; V(null) in check mode for a policy that would be created.
      type: str
      sample: a1721420-f5a6-4e55-a7b6-92c9fc2adaaf
    method:
      description: V(number_of_tags) or V(creation_date).
      type: str
      sample: number_of_tags
    value:
      description: The number of tags to keep, or the age, such as V(7d).
      type: raw
      sample: 50
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
  sample:
    - uuid: a1721420-f5a6-4e55-a7b6-92c9fc2adaaf
      method: number_of_tags
      value: 50
      tag_pattern: null
      tag_pattern_matches: true
changes:
  description: The writes, in the order they were sent (in check mode, would be), deletes first, then updates, then creates.
  returned: success
  type: list
  elements: dict
  contains:
    action:
      description: V(created), V(updated) (in place, same uuid) or V(deleted).
      type: str
      sample: updated
    uuid:
      description: The policy's uuid; V(null) in check mode for a policy that would be created.
      type: str
      sample: a1721420-f5a6-4e55-a7b6-92c9fc2adaaf
    before:
      description: The policy before (uuid, method, value, tag_pattern, tag_pattern_matches); V(null) for a create.
      type: dict
      sample: {"uuid": "a1721420-f5a6-4e55-a7b6-92c9fc2adaaf", "method": "number_of_tags", "value": 10, "tag_pattern": null,
               "tag_pattern_matches": true}
    after:
      description: The policy after; V(null) for a delete.
      type: dict
      sample: {"uuid": "a1721420-f5a6-4e55-a7b6-92c9fc2adaaf", "method": "number_of_tags", "value": 50, "tag_pattern": null,
               "tag_pattern_matches": true}
diff:
  description: The scope's policies before and after (method, value, tag_pattern, tag_pattern_matches; no uuids).
  returned: success, in diff mode
  type: dict
  contains:
    before:
      description: C(policies), the list before the task.
      type: dict
      sample: {"policies": [{"method": "number_of_tags", "value": 10, "tag_pattern": null, "tag_pattern_matches": true}]}
    after:
      description: C(policies), the list after the task.
      type: dict
      sample: {"policies": [{"method": "number_of_tags", "value": 50, "tag_pattern": null, "tag_pattern_matches": true}]}
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
  sample: 2
"""

from ansible_collections.quaytools.tags.plugins.module_utils._module import QuayModule
from ansible_collections.quaytools.tags.plugins.module_utils._policy_client import scope_argument_spec
from ansible_collections.quaytools.tags.plugins.module_utils._autoprune_policy import run


def spec():
    """The options of this module as AnsibleModule keyword arguments (read by the module and by its action plugin)."""
    return dict(
        argument_spec=dict(
            scope_argument_spec(user_allowed=True),
            policies=dict(type="list", elements="dict", required=True, options=dict(
                method=dict(type="str", required=True, choices=["number_of_tags", "creation_date"]),
                value=dict(type="raw", required=True),
                tag_pattern=dict(type="str"),
                tag_pattern_matches=dict(type="bool", default=True),
            )),
            state=dict(type="str", choices=["present", "absent"], default="present"),
            exclusive=dict(type="bool", default=False),
        ),
        mutually_exclusive=[("namespace", "repository")],
        supports_check_mode=True,
    )


def main():
    run(QuayModule(**spec()))


if __name__ == "__main__":
    main()
