# -*- coding: utf-8 -*-
# Copyright (c) 2026 quaytools.tags contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

from __future__ import absolute_import, division, print_function

__metaclass__ = type

DOCUMENTATION = r"""
name: prune_plan
short_description: Choose the tags a retention policy removes, with the reason for each tag
version_added: 1.0.0
author: quaytools.tags contributors (@quaytools)
description:
  - Takes the tags of one repository, as returned in RV(quaytools.tags.quay_tag_info#module:tags) by
    M(quaytools.tags.quay_tag_info), and splits them into the tags a retention policy removes and the tags it keeps,
    with the reason for every decision.
  - It only computes; it never talks to Quay. Give the names it selects to M(quaytools.tags.quay_tag) with
    O(quaytools.tags.quay_tag#module:state=absent), or use the P(quaytools.tags.prune#role) role, which does both.
  - It also takes the listing of many repositories that M(quaytools.tags.quay_tag_info) returns for a list of
    repositories (version 1.1.0 and later), and plans each repository on its own with the same policy and the same
    O(now). The result then says which repository each tag belongs to, and RV(_value.targets) is ready for the
    O(quaytools.tags.quay_tag#module:repository) option of M(quaytools.tags.quay_tag), so that one task deletes what goes in
    every repository.
  - "Only active tags are considered: rows with C(active: false) (or, for raw Quay API rows, an C(end_ts) in the past)
    are ignored, and when a name appears several times only its newest row counts."
  - "Each active tag gets the first of these rules that applies:
    (1) its name matches a O(protect) pattern: kept, rule C(protected);
    (2) it is a Cosign tag of a manifest that has other tags (see below): rule C(subject_kept), C(immutable) or
    C(prune);
    (3) its name matches no O(match) pattern: kept, rule C(unmatched);
    (4) it is one of the O(keep_newest) newest matches: kept, rule C(newest);
    (5) O(keep_newest) or O(older_than) is set and Quay reported no start time: kept, rule C(no_start);
    (6) it started less than O(older_than) ago: kept, rule C(too_young);
    (7) it is immutable: kept, rule C(immutable), since Quay refuses to delete an immutable tag;
    (8) it points at the manifest of a protected tag (unless O(protect_manifests) is false), or it is one of the
    last tags of a manifest whose protected Cosign tag Quay would remove with them: kept, rule C(protected_manifest);
    (9) otherwise it is removed, rule C(prune)."
  - "Newest means the latest C(start_ts). Quay reports it in whole seconds but lists tags newest first by the
    millisecond, so tags pushed within the same second are ordered as they come in the input (Quay's listing order,
    as M(quaytools.tags.quay_tag_info) returns it), not by name."
  - "Cosign stores the signature, attestation and SBOM of the image C(sha256:<hex>) as the tags C(sha256-<hex>.sig),
    C(sha256-<hex>.att) and C(sha256-<hex>.sbom). Quay servers built after August 2026 (not yet in release 3.18.0)
    expire those tags, unless immutable, in the same request that deletes or moves the last other tag pointing at
    C(sha256:<hex>); older releases leave them behind. The filter gives the same plan on both: a Cosign tag whose
    manifest still has other active tags in the input is never removed on its own and does not count as a match. It
    stays (rule C(subject_kept)) while one of those tags stays, and goes with them otherwise (rule C(prune), listed
    first so that its own DELETE removes it, or C(immutable) when it is immutable). The tags that count are those
    pointing at the manifest itself; only for a manifest that no tag points at (a platform manifest signed with
    C(cosign sign --recursive)) do the tags of the manifest lists that contain it count. A Cosign tag whose manifest
    has no other tag is judged by the rules like any tag. A mutable Cosign tag matching O(protect) keeps the last
    tags of its manifest, since removing them would make newer Quay servers remove it too."
  - Regular expressions use Python syntax and must match the B(whole) tag name (C(re.fullmatch)). V(ci-.*) matches
    C(ci-1234) but not C(old-ci-1234); write V(.*ci.*) for a substring.
positional: _input
options:
  _input:
    description:
      - The tags of one repository, a list of dictionaries with at least C(name), in Quay's order (newest first), as
        M(quaytools.tags.quay_tag_info) returns them. C(start_ts) (epoch seconds), C(manifest_digest), C(active) (or
        C(end_ts)), C(immutable) and C(child_manifests_presence) are used when present.
      - Or the listing of several repositories. Either RV(quaytools.tags.quay_tag_info#module:repositories), one
        dictionary per repository with C(repository) and C(tags), in which a repository without tags still appears
        (and a repository whose listing failed is refused); or RV(quaytools.tags.quay_tag_info#module:tags) of a list
        of repositories, rows that each carry their C(repository).
    type: list
    elements: dict
    required: true
  match:
    description:
      - Regular expressions of the tags to consider for removal; a tag is a match when its name matches any of them.
      - At least one is required. An empty policy is refused instead of pruning everything; use V(.*) to consider
        every tag.
    type: list
    elements: str
    required: true
  older_than:
    description:
      - Remove only matches that started at least this long before O(now). A duration such as V(30d), V(2w),
        V(36h) or V(1w2d) (units C(s), C(m), C(h), C(d), C(w)), or a number of seconds.
      - Not set means age does not matter.
    type: raw
  keep_newest:
    description:
      - Keep this many of the newest matches (by start time, then by the order of the input), whatever their age.
      - Tags protected by name are not matches and are not counted; tags kept only because they share a protected
        manifest, and immutable tags, are matches and are counted. Cosign tags of a manifest that has other tags are
        not matches.
      - V(0) keeps none on this ground.
    type: int
    default: 0
  protect:
    description:
      - Regular expressions of tags that are never removed, whatever the other options say.
      - Give an empty list to protect nothing by name.
    type: list
    elements: str
    default: [latest]
  protect_manifests:
    description:
      - Keep a match that points at the same manifest as a protected tag, so that removing tags never removes the
        last extra name of a protected image.
      - Set to V(false) to let such tags go; the protected tag itself always stays.
    type: bool
    default: true
  now:
    description:
      - The moment ages are measured from, as epoch seconds or an ISO 8601 date or date-time (V(2026-12-01),
        V(2026-12-01T09:00:00Z); an offset may be written V(+01:00), V(+0100) or V(+01)). Defaults to the current
        time of the machine running the template (the Ansible controller).
      - A number in milliseconds is refused, and so is an 8-digit number such as V(20261201), which would be a
        second of 1970; write the date as V(2026-12-01).
      - Give it to get a reproducible plan.
    type: raw
"""

EXAMPLES = r"""
- name: Read the active tags of a repository
  quaytools.tags.quay_tag_info:
    repository: myorg/app
  register: app_tags

- name: Plan the removal of CI tags older than 30 days, keeping the 10 newest and anything named latest or v*
  ansible.builtin.set_fact:
    app_plan: >-
      {{ app_tags.tags | quaytools.tags.prune_plan(match=['ci-.*', 'pr-[0-9]+'], older_than='30d',
                                                   keep_newest=10, protect=['latest', 'v[0-9.]+']) }}

- name: Show what goes and why
  ansible.builtin.debug:
    msg: "{{ app_plan.prune | map(attribute='name') | zip(app_plan.prune | map(attribute='reason')) }}"

- name: Delete them in one call
  quaytools.tags.quay_tag:
    repository: myorg/app
    name: "{{ app_plan.prune | map(attribute='name') }}"
    state: absent
  when: app_plan.prune | length > 0

- name: Read the active tags of every repository of myorg in one task
  quaytools.tags.quay_tag_info:
    repository: "{{ myorg_repositories }}"
  register: all_tags

- name: Plan every repository with one policy
  ansible.builtin.set_fact:
    org_plan: "{{ all_tags.repositories | quaytools.tags.prune_plan(match=['ci-.*'], older_than='30d', keep_newest=10) }}"

- name: Delete what goes, in every repository, in one task
  quaytools.tags.quay_tag:
    repository: "{{ org_plan.targets }}"
    state: absent
  when: org_plan.targets | length > 0

- name: A reproducible plan, measured from a fixed moment
  ansible.builtin.debug:
    msg: "{{ app_tags.tags | quaytools.tags.prune_plan(match=['.*'], older_than='2w', now='2026-09-01T00:00:00Z') }}"
"""

RETURN = r"""
_value:
  description: The decision for every active tag of the input, split in two lists.
  type: dict
  contains:
    prune:
      description:
        - The tags the policy removes, newest first; except that a Cosign tag that goes with the tags of its manifest
          comes just before them.
        - For several repositories, repository after repository, each in that order.
        - Delete them in this order (as P(quaytools.tags.prune#role) does) and each goes by its own request. Deleted
          after the last tag of its manifest, a Cosign tag would already be gone (Quay expires it with that tag), and
          the task would report it unchanged.
      type: list
      elements: dict
      contains:
        repository:
          description: The repository of the tag, for a multi-repository input.
          type: str
          returned: when the input is the listing of several repositories
          sample: myorg/api
          version_added: 1.1.0
        name:
          description: The tag name.
          type: str
          sample: ci-1234
        manifest_digest:
          description: The manifest the tag points at.
          type: str
          sample: sha256:8a0f4e7c3d2b1a0f9e8d7c6b5a4f3e2d1c0b9a8f7e6d5c4b3a2f1e0d9c8b7a6f
        start_ts:
          description: When the tag started pointing at its manifest, epoch seconds.
          type: int
          sample: 1786000000
        rule:
          description: Always V(prune) in this list.
          type: str
          sample: prune
        reason:
          description:
            - Why it goes, in words.
            - For a Cosign tag that goes with the last tags of its manifest, says so and names them.
          type: str
          sample: "matches 'ci-.*', not among the 10 newest matches (#14 of 40), older than 30d (age 41d2h)"
    keep:
      description: The active tags the policy keeps, newest first, with the same keys as RV(_value.prune).
      type: list
      elements: dict
      contains:
        name:
          description: The tag name.
          type: str
          sample: latest
        manifest_digest:
          description: The manifest the tag points at.
          type: str
          sample: sha256:8a0f4e7c3d2b1a0f9e8d7c6b5a4f3e2d1c0b9a8f7e6d5c4b3a2f1e0d9c8b7a6f
        start_ts:
          description: When the tag started pointing at its manifest, epoch seconds.
          type: int
          sample: 1786000000
        rule:
          description:
            - Why it stays, as a keyword; the first rule that applies.
          type: str
          choices:
            protected: Its name matches a O(protect) pattern.
            unmatched: Its name matches no O(match) pattern.
            newest: It is one of the O(keep_newest) newest matches.
            no_start: Quay reported no start time, and the policy needs its age or rank.
            too_young: It started less than O(older_than) ago.
            immutable: The policy would remove it, but it is immutable and Quay refuses to delete it.
            protected_manifest: >-
              It points at the manifest of a protected tag, or it is one of the last tags of a manifest whose
              protected Cosign tag Quay would remove with them.
            subject_kept: >-
              It is a Cosign signature, attestation or SBOM tag (C(sha256-<hex>.sig), C(.att), C(.sbom)) and its
              manifest C(sha256:<hex>) keeps a tag.
          sample: protected
        reason:
          description: Why it stays, in words.
          type: str
          sample: "protected: matches protect pattern 'latest'"
    repositories:
      description: For a multi-repository input, the plan of each repository, in the order of the input.
      type: list
      elements: dict
      returned: when the input is the listing of several repositories
      version_added: 1.1.0
      contains:
        repository:
          description: The repository.
          type: str
          sample: myorg/api
        prune:
          description: The tags of this repository that go, as in RV(_value.prune).
          type: list
          elements: dict
        keep:
          description: The tags of this repository that stay, as in RV(_value.keep).
          type: list
          elements: dict
    targets:
      description:
        - For a multi-repository input, the repositories where something goes, each with the names of the tags that
          go, in the form the O(quaytools.tags.quay_tag#module:repository) option of M(quaytools.tags.quay_tag) takes.
      type: list
      elements: dict
      returned: when the input is the listing of several repositories
      version_added: 1.1.0
      sample: [{"repository": "myorg/api", "name": ["ci-1201", "ci-1200"]}]
"""

from ansible.errors import AnsibleFilterError

from ansible_collections.quaytools.tags.plugins.module_utils._prune import DEFAULT_PROTECT, plan
from ansible_collections.quaytools.tags.plugins.module_utils._prune_many import is_many, plan_many


def prune_plan(tags, match=None, older_than=None, keep_newest=0, protect=DEFAULT_PROTECT, protect_manifests=True,
               now=None):
    """The retention plan for one repository's tags, or for each repository of a multi-repository listing."""
    try:
        return (plan_many if is_many(tags) else plan)(tags, match=match, older_than=older_than, keep_newest=keep_newest,
                                                      protect=protect, protect_manifests=protect_manifests, now=now)
    except ValueError as exc:
        raise AnsibleFilterError("quaytools.tags.prune_plan: %s" % exc)


class FilterModule(object):
    """quaytools.tags filters."""

    def filters(self):
        return {"prune_plan": prune_plan}
