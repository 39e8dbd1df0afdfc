#!/usr/bin/python
# -*- coding: utf-8 -*-
# Copyright (c) 2026 quaytools.tags contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

from __future__ import absolute_import, division, print_function

__metaclass__ = type

DOCUMENTATION = r"""
module: quay_tag_info
short_description: List the tags of Quay repositories, with their history
version_added: 1.0.0
description:
  - Lists the tags of a repository in Project Quay or Red Hat Quay, through Quay's tag API.
  - Given a list of repositories, it lists the tags of each of them in one task, several repositories at a time
    (O(parallel)), with the same requests per repository as on its own.
  - By default only the active tags are listed. With O(only_active=false) the history is listed too, that is the
    rows of tags that were moved, deleted or expired and that Quay still keeps (for the namespace's time-machine
    window, 2 weeks by default). Each move or restore of a tag ends one row and starts another.
  - Rows come in Quay's order, newest start first, and every page is read unless O(page) asks for one.
  - O(name) keeps the rows of these tags only. One name is one listing of that name (Quay's C(specificTag)); with
    O(only_active=false), all history rows of that name are listed, newest first.
  - Several names (version 1.1.0 and later) are read in as few requests as the listing allows, as
    M(quaytools.tags.quay_tag) reads them, and the active tags come in the order of O(name). With O(only_active=false)
    or O(filter_tag_name), one listing filtered on the server (by O(filter_tag_name), or else on the longest part every
    name shares) is read and only the rows of these names are kept, in Quay's order. Several names cannot be combined
    with O(page).
  - Dates are converted to ISO 8601 in UTC, and whether a row is active is computed against the current time,
    because an active tag with a scheduled expiration carries an end date too.
  - Nothing is ever changed. The module runs the same way in check mode.
author: quaytools.tags contributors (@quaytools)
requirements:
  - requests
options:
  filter_tag_name:
    description:
      - Filter the tag names on the server.
      - V(eq:TEXT) keeps the tag named exactly C(TEXT) (case-sensitive).
      - V(like:TEXT) keeps the tags whose name contains C(TEXT), ignoring case. Quay passes C(TEXT) to SQL C(ILIKE),
        so C(_) matches any one character and C(%) any run of characters.
      - Any other form is refused before a request is sent (Quay would silently ignore an unknown operation).
      - Can be combined with O(name); both then apply.
    type: str
  only_active:
    description:
      - List only the active tags (V(true)), or the history rows too (V(false)).
      - An active tag is one that was neither deleted nor moved away and whose expiration, if any, is in the future.
    type: bool
    default: true
    aliases:
      - only_active_tags
  manifest_digest:
    description:
      - Keep only the rows that point at this manifest, for example V(sha256:0123...).
      - The filter is applied by the module after Quay answered; the rows of every other manifest are still read.
      - For a manifest list, only rows pointing at the list itself are kept, not those pointing at one of its children.
    type: str
  page:
    description:
      - Return only this page of Quay's listing, as Quay pages it (pages of O(limit) rows, numbered from V(1)), and
        report in RV(has_additional) whether more pages follow.
      - When not set, every page is read and all rows are returned.
      - With O(manifest_digest), the page is filtered after it is read, so it can hold fewer rows than O(limit).
    type: int
  limit:
    description:
      - The number of rows per page, from V(1) to V(100) (Quay's maximum).
      - Without O(page) this is only the size of the requests made to read everything; the default V(100) needs the
        fewest requests.
    type: int
    default: 100
notes:
  - With a list in O(repository), each row of RV(tags) carries its C(repository), and an entry of the list can give
    any of C(name), C(filter_tag_name) and C(manifest_digest) for its repository. The repositories of a namespace can
    be found with M(quaytools.tags.quay_repository_info).
  - The token needs the C(repo:read) scope and read access to the repository (a public repository can be read by any
    valid token).
  - Quay pages with offsets. Tags pushed or moved while a long listing is being read can shift rows between pages, so
    a row can be missed or listed twice; list again for a consistent view of a busy repository.
  - Quay reports times in whole seconds, so several rows of one tag can share the same second; their order in
    RV(tags) is still Quay's (newest first).
seealso:
  - module: quaytools.tags.quay_tag
    description: Create, move, expire, protect or delete tags.
  - module: quaytools.tags.quay_tag_restore
    description: Restore a tag to a manifest from its history.
  - name: Red Hat Quay API reference, tag endpoints
    description: The C(listRepoTags) endpoint this module calls.
    link: https://docs.redhat.com/en/documentation/red_hat_quay/3.15/html/red_hat_quay_api_reference/tag
extends_documentation_fragment:
  - quaytools.tags.tag_options
  - quaytools.tags.tag_options.names
  - quaytools.tags.connection
  - quaytools.tags.attributes
  - quaytools.tags.attributes.actiongroup_quay
  - quaytools.tags.attributes.info_module
"""

EXAMPLES = r"""
- name: Read Quay tags with the connection set once
  module_defaults:
    group/quaytools.tags.quay:
      quay_host: https://quay.example.com
      quay_token: "{{ quay_token }}"
  block:
    - name: List the active tags of myorg/app
      quaytools.tags.quay_tag_info:
        repository: myorg/app
      register: app_tags

    - name: Show their names
      ansible.builtin.debug:
        msg: "{{ app_tags.tags | map(attribute='name') | list }}"

    - name: Read the history of latest
      quaytools.tags.quay_tag_info:
        repository: myorg/app
        name: latest
        only_active: false
      register: latest_history

    # Rows come newest first and do not overlap: the first one that had started 24 hours ago is the one
    # that was alive then, unless it had already ended (the tag was deleted at that time).
    - name: Show which manifest latest pointed to 24 hours ago
      vars:
        yesterday: "{{ now().timestamp() | int - 86400 }}"
        row: "{{ latest_history.tags | selectattr('start_ts', 'le', yesterday | int) | first | default(none) }}"
      ansible.builtin.debug:
        msg: >-
          {{ row.manifest_digest if row and (row.end_ts is none or row.end_ts > yesterday | int)
             else 'latest did not exist 24 hours ago' }}

    - name: Show the active tags that expire within the next 7 days
      vars:
        week_end: "{{ now().timestamp() | int + 7 * 86400 }}"
      ansible.builtin.debug:
        msg: >-
          {{ app_tags.tags | selectattr('end_ts') | selectattr('end_ts', 'le', week_end | int)
             | map(attribute='name') | list }}

- name: Read the tags latest and stable (a list of names, alias tag)
  quaytools.tags.quay_tag_info:
    quay_host: https://quay.example.com
    quay_token: "{{ quay_token }}"
    repository: myorg/app
    tag:
      - latest
      - stable
  register: deployed

- name: List every tag, active or not, that points at one manifest
  quaytools.tags.quay_tag_info:
    quay_host: https://quay.example.com
    quay_token: "{{ quay_token }}"
    repository: myorg/team/app
    manifest_digest: sha256:5c5bae147e810ea4b8c543b115c91246144fdeb1552ee72c9d76fa3981d509af
    only_active: false
  register: by_digest

- name: List the release tags (names containing "v1.")
  quaytools.tags.quay_tag_info:
    repository: myorg/app
    filter_tag_name: like:v1.
  register: releases

- name: List the release tags of three repositories in one task
  quaytools.tags.quay_tag_info:
    repository: [myorg/api, myorg/web, myorg/worker]
    filter_tag_name: like:v1.
  register: releases_everywhere

- name: Show repository and tag of each row
  ansible.builtin.debug:
    msg: "{{ releases_everywhere.tags | map(attribute='repository') | zip(releases_everywhere.tags | map(attribute='name')) }}"

- name: Read only the first 20 rows of a big repository, and whether there are more
  quaytools.tags.quay_tag_info:
    repository: myorg/big
    page: 1
    limit: 20
  register: first_page
"""

RETURN = r"""
tags:
  description:
    - The rows, in Quay's order (newest start first, then by name).
    - With O(only_active=false) one tag name can appear several times, once per history row.
    - With a list of repositories, the rows of every repository that could be read, repository after repository in the
      order of the list.
  returned: success, and when O(repository) is a list
  type: list
  elements: dict
  contains:
    repository:
      description: The repository of the row.
      type: str
      returned: when O(repository) is a list
      sample: myorg/api
      version_added: 1.1.0
    name:
      description: The tag name.
      type: str
      returned: always
      sample: latest
    manifest_digest:
      description: The manifest the row points at.
      type: str
      returned: always
      sample: sha256:5c5bae147e810ea4b8c543b115c91246144fdeb1552ee72c9d76fa3981d509af
    active:
      description:
        - Whether the row is the tag now, that is it has no end, or its end (a scheduled expiration) is in the future.
        - V(false) for rows of moved, deleted or expired tags.
      type: bool
      returned: always
      sample: true
    reversion:
      description: Whether the row was created by a restore (M(quaytools.tags.quay_tag_restore) or Quay's UI).
      type: bool
      returned: always
      sample: false
    start_ts:
      description: When the row started, in epoch seconds.
      type: int
      returned: always
      sample: 1795905646
    end_ts:
      description:
        - When the row ended or will end, in epoch seconds, or V(null) for a tag that does not expire.
        - In the past for a moved, deleted or expired tag; in the future for an active tag with an expiration.
      type: int
      returned: always
      sample: null
    last_modified:
      description: When the row started, in ISO 8601 (UTC).
      type: str
      returned: always
      sample: "2026-11-28T22:40:46Z"
    expiration:
      description: RV(tags[].end_ts) in ISO 8601 (UTC), or V(null).
      type: str
      returned: always
      sample: "2026-12-05T22:40:46Z"
    is_manifest_list:
      description: Whether the manifest is a manifest list or an OCI image index (a multi-architecture image).
      type: bool
      returned: always
      sample: false
    size:
      description: The compressed size of the image's layers in bytes, or V(null) for a manifest list.
      type: int
      returned: always
      sample: 2811478
    immutable:
      description: Whether the tag is immutable.
      type: bool
      returned: when the server has immutable tags enabled (Quay 3.17 and later with C(FEATURE_IMMUTABLE_TAGS))
      sample: false
    is_sparse:
      description: Whether a child manifest of the list is missing from the repository.
      type: bool
      returned: for manifest lists, on Quay 3.17 and later
      sample: false
    child_manifest_count:
      description: How many child manifests the list names.
      type: int
      returned: for manifest lists, on Quay 3.17 and later
      sample: 2
    present_child_count:
      description: How many of them the repository has.
      type: int
      returned: for manifest lists, on Quay 3.17 and later
      sample: 2
    child_manifests_presence:
      description: For each child manifest digest, whether the repository has it.
      type: dict
      returned: for manifest lists, on Quay 3.17 and later
      sample:
        "sha256:5c5bae147e810ea4b8c543b115c91246144fdeb1552ee72c9d76fa3981d509af": true
        "sha256:74c2b08abad5892c18b7271be01107d08430dbf0045adf27b1e19668d23f59f5": true
  sample:
    - name: latest
      manifest_digest: sha256:5c5bae147e810ea4b8c543b115c91246144fdeb1552ee72c9d76fa3981d509af
      active: true
      reversion: false
      start_ts: 1795905646
      end_ts: null
      last_modified: "2026-11-28T22:40:46Z"
      expiration: null
      is_manifest_list: false
      size: 58
repositories:
  description:
    - With a list of repositories, one entry per repository, in the order of the list, whether it failed or not.
  returned: when O(repository) is a list
  type: list
  elements: dict
  version_added: 1.1.0
  contains:
    repository:
      description: The repository.
      type: str
      sample: myorg/api
    changed:
      description: Always V(false).
      type: bool
      sample: false
    failed:
      description: Whether reading this repository failed.
      type: bool
      sample: false
    msg:
      description: Why this repository failed; empty when it did not.
      type: str
      sample: "repository myorg/gone not found (HTTP 404) (GET /api/v1/repository/myorg/gone/tag/)"
    tags:
      description: The rows of this repository, as in RV(tags); empty when it failed.
      type: list
      elements: dict
    page:
      description: As RV(page), for this repository.
      type: int
      returned: when O(page) is set
    has_additional:
      description: As RV(has_additional), for this repository.
      type: bool
      returned: when O(page) is set
    api_requests:
      description: The HTTP requests sent for this repository.
      type: int
      sample: 1
    error:
      description: Facts about the failed request (kind, HTTP status, method, path, Quay's message, attempts).
      type: dict
      returned: failure of a Quay request
page:
  description: The page number Quay answered for.
  returned: when O(page) is set
  type: int
  sample: 2
has_additional:
  description: Whether Quay has more rows after this page.
  returned: when O(page) is set
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
  description:
    - How many HTTP requests were sent to Quay, retries included (of every repository, for a list).
    - Also returned when the task fails. Left out only when it fails on its options, before any request is sent.
  returned: always
  type: int
  sample: 1
"""

from ansible_collections.quaytools.tags.plugins.module_utils._module import QuayModule
from ansible_collections.quaytools.tags.plugins.module_utils._multi import run_task
from ansible_collections.quaytools.tags.plugins.module_utils._options import REPOSITORY_ARG_SPEC, TAG_NAMES_ARG_SPEC, argument_spec
from ansible_collections.quaytools.tags.plugins.module_utils._tag_info import parse_request, run


def spec():
    """The options of this module as AnsibleModule keyword arguments (read by the module and by its action plugin)."""
    return dict(
        argument_spec=argument_spec(
            REPOSITORY_ARG_SPEC,
            TAG_NAMES_ARG_SPEC,
            filter_tag_name=dict(type="str"),
            only_active=dict(type="bool", default=True, aliases=["only_active_tags"]),
            manifest_digest=dict(type="str"),
            page=dict(type="int"),
            limit=dict(type="int", default=100),
        ),
        supports_check_mode=True,
    )


def execute(task):
    """This module's logic on a task: the module process's, or the action plugin's in the controller."""
    run_task(task, run, "quay_tag_info", check=parse_request)


def main():
    execute(QuayModule(**spec()))


if __name__ == "__main__":
    main()
