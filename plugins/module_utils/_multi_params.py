# -*- coding: utf-8 -*-
# Copyright (c) 2026 quaytools.tags contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

# FOR INTERNAL COLLECTION USE ONLY.
# The interfaces in this file are meant for use within the quaytools.tags collection
# and may not remain stable to outside uses. Changes may be made in ANY release.

"""The ``repository`` option given as a list: its entries checked and turned into one set of options per repository.

An entry is ``namespace/name``, or a dictionary ``{repository: namespace/name, <option>: <value>, ...}`` whose options
replace the task's for that repository only (which options depends on the module: :data:`OVERRIDES`). Everything is
checked before any request is sent, and an error names the entry.
"""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

from ansible.module_utils.common.arg_spec import ArgumentSpecValidator

from ansible_collections.quaytools.tags.plugins.module_utils._client import validate_repository
from ansible_collections.quaytools.tags.plugins.module_utils._options import TAG_NAMES_ARG_SPEC

# Per module: the options an entry of ``repository`` may give for its repository, with their types. An option is
# accepted only when the module has it (``expected_digests`` exists once quay_tag has that option).
OVERRIDES = {
    "quay_tag": {
        "name": TAG_NAMES_ARG_SPEC["name"],
        "manifest_digest": dict(type="str"),
        "source_tag": dict(type="str"),
        "expiration": dict(type="raw"),
        "expected_digests": dict(type="dict"),
    },
    "quay_tag_info": {
        "name": TAG_NAMES_ARG_SPEC["name"],
        "filter_tag_name": dict(type="str"),
        "manifest_digest": dict(type="str"),
    },
    "quay_tag_restore": {
        "name": dict(type="str", aliases=["tag"]),
        "manifest_digest": dict(type="str"),
        "at": dict(type="raw"),
    },
}
# Options of which a task uses at most one: an entry that gives one of them replaces the whole group.
EXCLUSIVE = {
    "quay_tag": [("manifest_digest", "source_tag"), ("manifest_digest", "expected_digests")],
    "quay_tag_restore": [("manifest_digest", "at")],
}


def _label(index, entry):
    if isinstance(entry, dict) and isinstance(entry.get("repository"), str):
        return "repository[%d] (%s)" % (index, entry["repository"])
    return "repository[%d]" % index


def _overrides(kind, params):
    """The override specs of this module, limited to the options it really has."""
    return dict((option, spec) for option, spec in OVERRIDES.get(kind, {}).items() if option in params)


def _entry(kind, index, entry, specs):
    """``(repository, {option: value})`` of one entry. Raises ValueError naming the entry."""
    if isinstance(entry, str):
        try:
            return validate_repository(entry), {}
        except ValueError as exc:
            raise ValueError("repository[%d]: %s" % (index, exc))
    if not isinstance(entry, dict):
        raise ValueError("repository[%d]: %r is neither namespace/name nor a dictionary with a repository key"
                         % (index, entry))
    label = _label(index, entry)
    if "repository" not in entry:
        raise ValueError("%s: a dictionary entry needs a repository key, such as {repository: myorg/app, name: [...]}" % label)
    try:
        repository = validate_repository(entry["repository"])
    except ValueError as exc:
        raise ValueError("%s: %s" % (label, exc))
    given = dict((key, value) for key, value in entry.items() if key != "repository")
    if not given:
        return repository, {}
    allowed = sorted(specs)
    result = ArgumentSpecValidator(specs).validate(given)
    if result.unsupported_parameters or result.error_messages:
        unknown = sorted(str(key) for key in result.unsupported_parameters)
        if unknown:
            raise ValueError("%s: %s cannot be set per repository in %s: an entry can give %s" % (
                label, ", ".join(unknown), kind, ", ".join(allowed) if allowed else "no other option"))
        raise ValueError("%s: %s" % (label, "; ".join(result.error_messages)))
    names = {}
    for option, spec in specs.items():
        for key in [option] + list(spec.get("aliases") or []):
            if key in given:
                names[option] = result.validated_parameters[option]
    return repository, names


def expand(kind, params, check=None):
    """One dict of options per entry of ``params["repository"]`` (a list), in order: ``[(repository, params)]``.

    ``check(params)`` validates a repository's complete options without sending anything: it raises ValueError or
    returns an error message (or anything else when they are fine). The first problem raises ValueError, naming the
    entry when the problem comes from the entry's own options.
    """
    entries = params["repository"]
    specs = _overrides(kind, params)
    seen = {}
    out = []
    base_problem = None
    base_checked = False
    for index, entry in enumerate(entries):
        repository, own = _entry(kind, index, entry, specs)
        if repository in seen:
            raise ValueError("repository: %s is listed twice (entries %d and %d): list each repository once"
                             % (repository, seen[repository], index))
        seen[repository] = index
        merged = dict(params)
        merged["repository"] = repository
        for group in EXCLUSIVE.get(kind, ()):
            if any(option in own for option in group):
                for option in group:
                    merged[option] = None
        merged.update(own)
        if check is not None:
            if own:
                problem = _problem(check, merged)
                if problem:
                    raise ValueError("%s: %s" % (_label(index, entry), problem))
            elif not base_checked:
                # Every plain entry has the task's options: one check says it for all of them.
                base_problem = _problem(check, merged)
                base_checked = True
            if base_problem and not own:
                raise ValueError(base_problem)
        out.append((repository, merged))
    return out


def _problem(check, params):
    try:
        problem = check(params)
    except ValueError as exc:
        return str(exc)
    return problem if isinstance(problem, str) and problem else None
