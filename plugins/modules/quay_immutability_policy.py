#!/usr/bin/python
# -*- coding: utf-8 -*-
# Copyright (c) 2026 quaytools.tags contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

from __future__ import absolute_import, division, print_function

__metaclass__ = type

DOCUMENTATION = r"""
module: quay_immutability_policy
short_description: Manage Quay's immutability policies of an organization or a repository
version_added: 1.1.0
author: quaytools.tags contributors (@quaytools)
description:
  - Declares the immutability policies of an organization (or user namespace) or of one repository of a Project Quay
    or Red Hat Quay server, and changes only what differs.
  - An immutability policy makes immutable the tags whose whole name matches a regular expression (or, with
    O(policies[].tag_pattern_matches=false), the tags whose name does not match it). An immutable tag cannot be
    moved, deleted, expired or restored over until someone with C(repo:admin) clears it.
  - B(Creating or changing a policy makes the matching existing tags immutable at once. Deleting or changing a
    policy never makes a tag mutable again.) Tags created later that match are
    created immutable. The module reports which tags a run makes immutable in RV(tags_made_immutable) and in the
    diff, and predicts them in check mode.
  - Existing policies are matched by content, never by uuid. Quay keeps one policy per tag pattern in a scope, so a
    listed policy whose pattern exists with the other O(policies[].tag_pattern_matches) updates that policy in
    place. With O(exclusive=true), the policies that are not listed are deleted, or updated into listed ones that
    are still missing.
  - Every option is checked before any request is sent.
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
      - RV(tags_made_immutable) lists the tags the run would make immutable.
  diff_mode:
    support: full
    details:
      - The scope's policy set before and after, and after it the tags made immutable (C(repository:tag)).
options:
  namespace:
    description:
      - The organization, or user namespace, whose policies are managed, through Quay's organization route
        (C(/api/v1/organization/{namespace}/immutabilitypolicy/)). Quay has no user route for immutability
        policies; the organization route takes a user namespace.
      - These policies act on every repository of the namespace; they are not listed at repository level.
      - The token needs the C(org:admin) scope, and its user must administer the namespace.
      - Exactly one of O(namespace) or O(repository) is given.
    type: str
  repository:
    description:
      - The repository, as V(namespace/name), whose own policies are managed.
      - The token needs the C(repo:admin) scope and admin permission on the repository.
    type: str
  policies:
    description:
      - The policies. Write V([]) with O(exclusive=true) to delete every policy of the scope (the tags they made
        immutable stay immutable).
      - Two listed policies with the same O(policies[].tag_pattern) are refused, as Quay keeps one per pattern.
    type: list
    elements: dict
    required: true
    suboptions:
      tag_pattern:
        description:
          - A regular expression (Python syntax, as Quay uses) that must match the B(whole) tag name, as Quay
            applies it. V(v5) does not match C(v5.5); write V(v5.*).
          - At most 256 characters; it must compile and must not start or end with blanks (Quay strips them).
        type: str
        required: true
      tag_pattern_matches:
        description:
          - V(true) makes the matching tags immutable, V(false) the tags that do not match.
        type: bool
        default: true
  state:
    description:
      - V(present) makes the listed policies exist (and, with O(exclusive=true), only them).
      - V(absent) deletes the policies equal to the listed ones (pattern and O(policies[].tag_pattern_matches));
        the tags they made immutable stay immutable.
    type: str
    choices:
      - present
      - absent
    default: present
  exclusive:
    description:
      - With V(true), O(policies) is the whole set. Policies of the scope that are not listed are deleted (or
        updated into listed ones that are missing).
      - Only with O(state=present).
    type: bool
    default: false
  report_tags:
    description:
      - Read the active tags of the repositories a created or changed policy acts on, before any write, to report
        (and in check mode predict) which tags it makes immutable, in RV(tags_made_immutable).
      - Costs one C(GET) per 100 active tags of each repository; for O(namespace), one C(GET) per 100 repositories
        of the namespace first. Nothing is read when no policy is created or changed. The token then needs
        C(repo:read) as well.
      - V(false) skips the reading, and RV(tags_made_immutable) is not returned.
    type: bool
    default: true
notes:
  - The server needs immutable tags (C(FEATURE_IMMUTABLE_TAGS), Quay 3.17 and later). With the feature off, Quay has
    no policy routes; the module then reads Quay's C(GET /config) and fails saying so, before any write. A policy
    C(DELETE) that Quay answers with HTTP 204 is never taken as done (with the feature off, Quay's repository route
    takes a repository-level policy URL and answers 204 without deleting anything).
  - "Token scopes: C(org:admin) for O(namespace), C(repo:admin) for O(repository). A token without it gets HTTP 403,
    and the message names the scope needed. Quay answers 403, not 404, for an organization that does not exist."
  - RV(tags_made_immutable) is computed from the tags read before the writes; a tag pushed between that read and the
    write is made immutable by Quay too but is not listed.
  - With C(FEATURE_IMMUTABLE_TAGS_CAN_EXPIRE) off (Quay's default), Quay clears the expiration of the tags a policy
    makes immutable, and refuses an expiration on an immutable tag, so a M(quaytools.tags.quay_tag) task that sets
    an expiration on such a tag fails.
seealso:
  - module: quaytools.tags.quay_immutability_policy_info
    description: Read the immutability policies of a scope.
  - module: quaytools.tags.quay_tag
    description: Make single tags immutable, or clear immutability (O(quaytools.tags.quay_tag#module:immutable)).
  - module: quaytools.tags.quay_autoprune_policy
    description: Server-side auto-prune policies of the same scopes.
"""

EXAMPLES = r"""
- name: Protect release tags across an organization, and nothing else
  quaytools.tags.quay_immutability_policy:
    quay_host: https://quay.example.com
    quay_token: "{{ quay_org_admin_token }}"
    namespace: myorg
    exclusive: true
    policies:
      - tag_pattern: v[0-9]+\.[0-9]+\.[0-9]+
  register: release_protection

- name: Show the tags that became immutable
  ansible.builtin.debug:
    msg: "{{ release_protection.tags_made_immutable | map(attribute='name') | list }}"

- name: In one repository, make every tag immutable except the moving ones
  quaytools.tags.quay_immutability_policy:
    quay_host: https://quay.example.com
    quay_token: "{{ quay_repo_admin_token }}"
    repository: myorg/base-images
    policies:
      - tag_pattern: latest|stable|nightly-.*
        tag_pattern_matches: false

- name: Add a policy in a namespace with thousands of tags, without reading them
  quaytools.tags.quay_immutability_policy:
    quay_host: https://quay.example.com
    quay_token: "{{ quay_org_admin_token }}"
    namespace: bigorg
    report_tags: false
    policies:
      - tag_pattern: release-.*
"""

RETURN = r"""
scope:
  description: Where the policies live, V(organization) (also for a user namespace) or V(repository).
  returned: success
  type: str
  sample: repository
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
  description: The policies of the scope after the task (in check mode, as they would be), in Quay's order, the created ones last.
  returned: success
  type: list
  elements: dict
  contains:
    uuid:
      description: Quay's id of the policy; V(null) in check mode for a policy that would be created.
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
tags_made_immutable:
  description:
    - The active tags that were mutable and that the policies created or changed by this task made immutable (in
      check mode, would make immutable), by repository and name. Empty when no policy is created or changed.
  returned: success, unless O(report_tags=false)
  type: list
  elements: dict
  contains:
    repository:
      description: The repository of the tag.
      type: str
      sample: myorg/app
    name:
      description: The tag.
      type: str
      sample: v1.0
    manifest_digest:
      description: The manifest the tag points at.
      type: str
      sample: sha256:196f691da21518e0174071306451d0dbfb5c12611894d8939b4a53fd726893a1
    expiration:
      description: The expiration the tag had (ISO 8601, UTC), which Quay cleared, or V(null).
      type: str
      sample: null
    tag_pattern:
      description: The pattern of the policy that made it immutable.
      type: str
      sample: v[0-9].*
changes:
  description: The writes, in the order they were sent (in check mode, would be), deletes first, then updates, then creates.
  returned: success
  type: list
  elements: dict
  contains:
    action:
      description: V(created), V(updated) (in place, same uuid) or V(deleted).
      type: str
      sample: created
    uuid:
      description: The policy's uuid; V(null) in check mode for a policy that would be created.
      type: str
      sample: 6103e606-9268-49a2-9a46-d1236e519561
    before:
      description: The policy before (uuid, tag_pattern, tag_pattern_matches); V(null) for a create.
      type: dict
      sample: null
    after:
      description: The policy after; V(null) for a delete.
      type: dict
      sample: {"uuid": "6103e606-9268-49a2-9a46-d1236e519561", "tag_pattern": "v[0-9].*", "tag_pattern_matches": true}
diff:
  description: The scope's policies before and after (no uuids), and after them the tags made immutable.
  returned: success, in diff mode
  type: dict
  contains:
    before:
      description: C(policies), the list before the task.
      type: dict
      sample: {"policies": []}
    after:
      description: C(policies), the list after the task, and C(tags_made_immutable) (C(repository:tag)) when there are some.
      type: dict
      sample: {"policies": [{"tag_pattern": "v[0-9].*", "tag_pattern_matches": true}], "tags_made_immutable": ["myorg/app:v1.0"]}
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
  sample: 3
"""

from ansible_collections.quaytools.tags.plugins.module_utils._module import QuayModule
from ansible_collections.quaytools.tags.plugins.module_utils._policy_client import scope_argument_spec
from ansible_collections.quaytools.tags.plugins.module_utils._immutability_policy import run


def spec():
    """The options of this module as AnsibleModule keyword arguments (read by the module and by its action plugin)."""
    return dict(
        argument_spec=dict(
            scope_argument_spec(user_allowed=False),
            policies=dict(type="list", elements="dict", required=True, options=dict(
                tag_pattern=dict(type="str", required=True),
                tag_pattern_matches=dict(type="bool", default=True),
            )),
            state=dict(type="str", choices=["present", "absent"], default="present"),
            exclusive=dict(type="bool", default=False),
            report_tags=dict(type="bool", default=True),
        ),
        mutually_exclusive=[("namespace", "repository")],
        required_one_of=[("namespace", "repository")],
        supports_check_mode=True,
    )


def main():
    run(QuayModule(**spec()))


if __name__ == "__main__":
    main()
