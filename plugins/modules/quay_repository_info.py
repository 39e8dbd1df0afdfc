#!/usr/bin/python
# -*- coding: utf-8 -*-
# Copyright (c) 2026 quaytools.tags contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

from __future__ import absolute_import, division, print_function

__metaclass__ = type

DOCUMENTATION = r"""
module: quay_repository_info
short_description: List the repositories of Quay organizations or users
version_added: 1.1.0
description:
  - Lists the repositories of one or more namespaces (organizations or users) of Project Quay or Red Hat Quay, through
    Quay's repository listing (C(GET /api/v1/repository?namespace=...)), following its pages to the end.
  - Selects them by a regular expression on their name and by visibility, and returns each one's name, visibility
    and last-modified time. The result feeds the O(quaytools.tags.quay_tag#module:repository) option of
    M(quaytools.tags.quay_tag), M(quaytools.tags.quay_tag_info) and M(quaytools.tags.quay_tag_restore), which take a
    list of repositories, for organization-wide jobs.
  - Several namespaces are listed at the same time (O(parallel)); the pages of one namespace come one after another.
  - Nothing is ever changed. The module runs the same way in check mode.
author: quaytools.tags contributors (@quaytools)
requirements:
  - requests
options:
  namespace:
    description:
      - The organizations or users whose repositories are listed, such as V([myorg, ci-team]).
      - A namespace that does not exist, or in which the token's user cannot see any repository, lists nothing (Quay
        answers both the same way); a warning says so.
    type: list
    elements: str
    required: true
    aliases:
      - namespaces
  name_pattern:
    description:
      - Keep only the repositories whose name matches this regular expression (Python syntax) as a whole
        (C(re.fullmatch)). The name is the part after C(namespace/), so V(svc-.*) keeps C(myorg/svc-api) but not
        C(myorg/legacy-svc-api); write V(.*svc.*) for a substring.
      - Not set keeps every repository.
    type: str
  visibility:
    description:
      - Keep only the V(public) or the V(private) repositories, or V(all) of them.
    type: str
    choices:
      - all
      - public
      - private
    default: all
notes:
  - Quay lists what the token's user can see, whatever the token's scopes; reading the tags of those repositories
    still needs C(repo:read).
  - Quay lists only image repositories (not application repositories), 100 per page, in the order it stores them.
extends_documentation_fragment:
  - quaytools.tags.connection
  - quaytools.tags.attributes
  - quaytools.tags.attributes.actiongroup_quay
  - quaytools.tags.attributes.info_module
seealso:
  - module: quaytools.tags.quay_tag_info
    description: List the tags of the repositories found.
  - module: quaytools.tags.quay_tag
    description: Change tags in the repositories found, in one task.
  - name: Red Hat Quay API reference, repository endpoints
    description: The C(listRepos) endpoint this module calls.
    link: https://docs.redhat.com/en/documentation/red_hat_quay/3.15/html/red_hat_quay_api_reference/repository
"""

EXAMPLES = r"""
- name: Find the service repositories of two organizations
  quaytools.tags.quay_repository_info:
    quay_host: https://quay.example.com
    quay_token: "{{ quay_token }}"
    namespace:
      - myorg
      - platform
    name_pattern: "svc-.*"
  register: services

- name: Promote candidate to stable in all of them, in one task
  quaytools.tags.quay_tag:
    quay_host: https://quay.example.com
    quay_token: "{{ quay_token }}"
    repository: "{{ services.repositories | map(attribute='repository') | list }}"
    name: stable
    source_tag: candidate

- name: List the public repositories of myorg that changed in the last 30 days
  quaytools.tags.quay_repository_info:
    namespace: myorg
    visibility: public
  register: public_repositories

- name: Show them
  vars:
    month_ago: "{{ now().timestamp() | int - 30 * 86400 }}"
  ansible.builtin.debug:
    msg: >-
      {{ public_repositories.repositories | selectattr('last_modified_ts') | selectattr('last_modified_ts', 'ge', month_ago | int)
         | map(attribute='repository') | list }}
"""

RETURN = r"""
repositories:
  description: The repositories selected, namespace after namespace in the order of O(namespace), each in Quay's order.
  returned: success
  type: list
  elements: dict
  contains:
    repository:
      description: The full name, C(namespace/name), as the other modules take it.
      type: str
      sample: myorg/svc-api
    namespace:
      description: The organization or user.
      type: str
      sample: myorg
    name:
      description: The name within the namespace.
      type: str
      sample: svc-api
    visibility:
      description: V(public) or V(private).
      type: str
      sample: private
    last_modified:
      description: When a tag of the repository last changed, in ISO 8601 (UTC); V(null) for a repository without tags.
      type: str
      sample: "2026-11-28T22:40:46Z"
    last_modified_ts:
      description: The same instant in epoch seconds, or V(null).
      type: int
      sample: 1795905646
    state:
      description:
        - Quay's state of the repository, such as V(NORMAL), V(READ_ONLY) or V(MIRROR). Quay refuses tag changes in a
          repository that is not V(NORMAL).
      type: str
      sample: NORMAL
    description:
      description: The repository's description, or V(null).
      type: str
      sample: The API service
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
  description: How many HTTP requests were sent to Quay, retries included (one per page of each namespace).
  returned: always
  type: int
  sample: 2
"""

from ansible_collections.quaytools.tags.plugins.module_utils._module import QuayModule
from ansible_collections.quaytools.tags.plugins.module_utils._repository_info import VISIBILITIES, run


def spec():
    """The options of this module as AnsibleModule keyword arguments (read by the module and by its action plugin)."""
    return dict(
        argument_spec=dict(
            namespace=dict(type="list", elements="str", required=True, aliases=["namespaces"]),
            name_pattern=dict(type="str"),
            visibility=dict(type="str", choices=list(VISIBILITIES), default="all"),
        ),
        supports_check_mode=True,
    )


def main():
    run(QuayModule(**spec()))


if __name__ == "__main__":
    main()
