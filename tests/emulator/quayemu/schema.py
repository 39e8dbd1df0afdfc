# -*- coding: utf-8 -*-
# Copyright (c) 2026 quaytools.tags contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

"""A tiny jsonschema (3.2.0) work-alike: the subset Quay's request schemas use, with the same error text.

The schemas themselves live with the endpoints that validate them (tags_write.py, repository.py).
"""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import pprint


def _is_type(instance, name):
    if name == "object":
        return isinstance(instance, dict)
    if name == "array":
        return isinstance(instance, list)
    if name == "string":
        return isinstance(instance, str)
    if name == "boolean":
        return isinstance(instance, bool)
    if name == "null":
        return instance is None
    if name == "number":
        return isinstance(instance, (int, float)) and not isinstance(instance, bool)
    if name == "integer":
        return isinstance(instance, int) and not isinstance(instance, bool)
    return False


def _schema_errors(instance, schema, path, schema_path):
    """Yield (message, validator, schema, instance, path, schema_path) in jsonschema's iteration order."""
    for keyword, value in schema.items():
        if keyword == "type":
            types = value if isinstance(value, list) else [value]
            if not any(_is_type(instance, t) for t in types):
                message = "%r is not of type %s" % (instance, ", ".join(repr(t) for t in types))
                yield message, "type", schema, instance, path, schema_path + ["type"]
        elif keyword == "required" and isinstance(instance, dict):
            for name in value:
                if name not in instance:
                    yield "%r is a required property" % name, "required", schema, instance, path, schema_path + ["required"]
        elif keyword == "properties" and isinstance(instance, dict):
            for name, subschema in value.items():
                if name in instance:
                    yield from _schema_errors(instance[name], subschema, path + [name], schema_path + ["properties", name])


def _format_index(parts):
    return "[%s]" % "][".join(repr(part) for part in parts) if parts else ""


def _indent(text):
    return "\n".join("    " + line for line in text.splitlines())


def schema_error(instance, schema):
    """The text str(best_match(...)) gives for the first, most relevant error, or None if the instance is valid."""
    best = None
    for error in _schema_errors(instance, schema, [], []):
        if best is None or -len(error[4]) > -len(best[4]):
            best = error
    if best is None:
        return None
    message, validator, subschema, value, path, schema_path = best
    return "%s\n\nFailed validating %r in schema%s:\n%s\n\nOn instance%s:\n%s" % (
        message, validator, _format_index(schema_path[:-1]), _indent(pprint.pformat(subschema, width=72)),
        _format_index(path), _indent(pprint.pformat(value, width=72)))
