# -*- coding: utf-8 -*-
# Copyright (c) 2026 quaytools.tags contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

# FOR INTERNAL COLLECTION USE ONLY.
# The interfaces in this file are meant for use within the quaytools.tags collection
# and may not remain stable to outside uses. Changes may be made in ANY release.

"""The values the collection sends to Quay, checked before any request: tag names, repositories, digests, listing
filters and the host. Each validator returns the value or raises ValueError with a message naming the value; the logic
modules prefix the option's name (``_common.checked``)."""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import re

TAG_RE = re.compile(r"^[A-Za-z0-9_][A-Za-z0-9_.-]{0,127}\Z")
NAMESPACE_RE = re.compile(r"^[a-z0-9]+(?:[._-][a-z0-9]+)*\Z")
REPO_SEGMENT_RE = re.compile(r"^[a-z0-9][.a-z0-9_-]*\Z")
DIGEST_LENGTHS = {"sha256": 64, "sha384": 96, "sha512": 128}
DIGEST_RE = re.compile(r"^([a-z0-9]+):([a-f0-9]+)\Z")
FILTER_RE = re.compile(r"^(like|eq):([A-Za-z0-9_.%-]{1,128})\Z")

# An option that was not given (None is a value: expiration None clears an expiration).
UNSET = object()


def _printable(value):
    text = repr(value)
    return text[1:] if text[:2] in ("u'", 'u"') else text


def validate_tag_name(name):
    """Quay's TAG_REGEX (util/names.py), anchored at the real end of the string."""
    if not isinstance(name, str) or not TAG_RE.match(name):
        raise ValueError(
            "%s is not a valid tag name: use 1 to 128 characters from A-Z a-z 0-9 _ . - "
            "and do not start with '.' or '-'" % _printable(name)
        )
    return name


def validate_repository(repository):
    """``namespace/name`` with optional nested segments, as Quay names them (lower case)."""
    if not isinstance(repository, str) or "/" not in repository:
        raise ValueError("%s is not a repository: use namespace/name, for example myorg/app" % _printable(repository))
    namespace, _sep, name = repository.partition("/")
    problems = []
    if not (2 <= len(namespace) <= 255 and NAMESPACE_RE.match(namespace)):
        problems.append("namespace %s must be 2-255 lower-case letters, digits and single . _ - between them" % _printable(namespace))
    segments = name.split("/")
    if len(name) > 255 or not all(REPO_SEGMENT_RE.match(seg) for seg in segments):
        problems.append(
            "name %s must be lower-case segments of letters, digits, . _ - (each starting with a letter or digit), "
            "separated by single '/', at most 255 characters" % _printable(name)
        )
    if problems:
        raise ValueError("%s is not a valid repository: %s" % (_printable(repository), "; ".join(problems)))
    return repository


def validate_digest(digest):
    """``algorithm:hex`` with a known algorithm and the right length."""
    match = DIGEST_RE.match(digest) if isinstance(digest, str) else None
    if not match or DIGEST_LENGTHS.get(match.group(1)) != len(match.group(2)):
        raise ValueError(
            "%s is not a manifest digest: use algorithm:hex, for example sha256: followed by 64 lower-case hex digits"
            % _printable(digest)
        )
    return digest


def validate_filter(value):
    """Quay's ``filter_tag_name``: ``like:TEXT`` or ``eq:TEXT``."""
    if not isinstance(value, str) or not FILTER_RE.match(value):
        raise ValueError(
            "%s is not a tag filter: use like:TEXT (case-insensitive substring, _ and %% are wildcards) or eq:TEXT, "
            "where TEXT is 1-128 characters from A-Z a-z 0-9 _ . - %%" % _printable(value)
        )
    return value


def normalize_host(host):
    """``quay.example.com`` -> ``https://quay.example.com``; tolerate trailing slashes and ``/api/v1``."""
    if not isinstance(host, str) or not host.strip():
        raise ValueError("the Quay host is empty")
    url = host.strip()
    if "://" not in url:
        url = "https://" + url
    scheme = url.split("://", 1)[0].lower()
    if scheme not in ("http", "https"):
        raise ValueError("%s has scheme %s: use https:// (or http:// explicitly for a plain-text server)" % (_printable(host), scheme))
    rest = url.split("://", 1)[1]
    if not rest or any(ch in rest for ch in " ?#\r\n\t"):
        raise ValueError("%s is not a Quay host URL such as https://quay.example.com" % _printable(host))
    url = url.rstrip("/")
    if url.endswith("/api/v1"):
        url = url[: -len("/api/v1")].rstrip("/")
    return scheme + "://" + url.split("://", 1)[1]
