# -*- coding: utf-8 -*-
# Copyright (c) 2026 quaytools.tags contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

"""The data model: manifests, tag rows (one row per lifetime of a tag name), repositories and their garbage collection.

A repository keeps its rows indexed for fast paging and O(1) lookups; the time machine (garbage collection of rows
that ended longer ago than the namespace's window, and of the manifests nothing keeps any more) runs lazily.
"""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import bisect

from .settings import DEFAULT_TIME_MACHINE_S


class SeedError(ValueError):
    """A seed that cannot be loaded."""


class Manifest:
    """A manifest of one repository. ``children`` is a tuple for manifest lists / OCI indexes, else None.
    ``platform`` (``{"os", "architecture"[, "variant"]}``) is what a manifest list says of this image."""

    __slots__ = ("digest", "size", "children", "media_type", "labels", "schema1_tag", "platform")

    def __init__(self, digest, size=None, children=None, media_type=None, labels=None, schema1_tag=None, platform=None):
        self.digest = digest
        self.children = tuple(children) if children is not None else None
        self.size = None if self.children is not None else size
        self.media_type = media_type
        self.labels = dict(labels or {})
        self.schema1_tag = schema1_tag
        self.platform = dict(platform) if platform else None

    @property
    def is_list(self):
        return self.children is not None

    def to_dict(self):
        data = {"digest": self.digest, "size": self.size}
        if self.children is not None:
            data["children"] = list(self.children)
        if self.media_type:
            data["media_type"] = self.media_type
        if self.labels:
            data["labels"] = dict(self.labels)
        if self.schema1_tag is not None:
            data["schema1_tag"] = self.schema1_tag
        if self.platform:
            data["platform"] = dict(self.platform)
        return data


class Row:
    """One tag row (one lifetime of a tag name). Times in epoch milliseconds."""

    __slots__ = ("name", "manifest", "start_ms", "end_ms", "reversion", "immutable", "hidden")

    def __init__(self, name, manifest, start_ms, end_ms=None, reversion=False, immutable=False, hidden=False):
        self.name = name
        self.manifest = manifest
        self.start_ms = start_ms
        self.end_ms = end_ms
        self.reversion = reversion
        self.immutable = immutable
        self.hidden = hidden

    def alive(self, now_ms):
        return self.end_ms is None or self.end_ms > now_ms


def row_key(row):
    """Listing order: lifetime_start_ms DESC, name ASC."""
    return (-row.start_ms, row.name)


class Repository:
    """The state of one repository, indexed for fast paging and O(1) tag lookup.

    ``rows`` holds the visible rows already in listing order (newest first); ``by_name`` the visible rows of each name
    in the same order; ``current`` the newest row of each name that no write has ended (it may have expired since);
    ``by_digest`` the names whose current row points at a digest; ``hidden`` the ``$temp-`` rows.
    """

    def __init__(self, full_name, namespace, public=False, state="normal", permissions=None, description=None,
                 window_s=DEFAULT_TIME_MACHINE_S):
        self.full_name = full_name
        self.namespace = namespace
        self.name = full_name.split("/", 1)[1]
        self.public = public
        self.state = state
        self.permissions = dict(permissions or {})
        self.description = description
        self.window_ms = int(window_s * 1000)
        self.manifests = {}
        self.parents = {}
        self.rows = []
        self.hidden = []
        self.by_name = {}
        self.current = {}
        self.by_digest = {}
        self.version = 0
        self.next_gc_ms = None
        self.cache = {}

    # -- manifests ------------------------------------------------------------------------------------------------

    def add_manifest(self, manifest):
        self.manifests[manifest.digest] = manifest
        for child in manifest.children or ():
            self.parents.setdefault(child, set()).add(manifest.digest)

    def _rebuild_parents(self):
        self.parents = {}
        for manifest in self.manifests.values():
            for child in manifest.children or ():
                self.parents.setdefault(child, set()).add(manifest.digest)

    # -- rows -----------------------------------------------------------------------------------------------------

    def changed(self):
        self.version += 1
        self.cache.clear()

    def note_end(self, end_ms):
        if end_ms is not None:
            due = end_ms + self.window_ms
            if self.next_gc_ms is None or due < self.next_gc_ms:
                self.next_gc_ms = due

    def _set_current(self, row):
        old = self.current.get(row.name)
        if old is not None:
            self._forget_current(old)
        self.current[row.name] = row
        self.by_digest.setdefault(row.manifest, set()).add(row.name)

    def _forget_current(self, row):
        if self.current.get(row.name) is row:
            del self.current[row.name]
            names = self.by_digest.get(row.manifest)
            if names is not None:
                names.discard(row.name)
                if not names:
                    del self.by_digest[row.manifest]

    def insert_row(self, row):
        """Add a row (hidden or visible) keeping the listing order; new rows normally go on the newest end."""
        self.note_end(row.end_ms)
        if row.hidden:
            self.hidden.append(row)
            return
        key = row_key(row)
        if not self.rows or key <= row_key(self.rows[0]):
            self.rows.insert(0, row)
        else:
            self.rows.insert(bisect.bisect_left(self.rows, key, key=row_key), row)
        same = self.by_name.setdefault(row.name, [])
        if not same or key <= row_key(same[0]):
            same.insert(0, row)
        else:
            same.insert(bisect.bisect_left(same, key, key=row_key), row)

    def load_rows(self, rows, now_ms):
        """Bulk load (seed): sort once, then index in one pass."""
        visible = [row for row in rows if not row.hidden]
        visible.sort(key=row_key)
        by_name = {}
        current = {}
        by_digest = {}
        for row in visible:
            name = row.name
            same = by_name.get(name)
            if same is None:
                by_name[name] = [row]
            else:
                same.append(row)
            if row.end_ms is None or row.end_ms > now_ms:
                if name in current:
                    raise SeedError("repository %s: tag %r has more than one alive row" % (self.full_name, name))
                current[name] = row
                names = by_digest.get(row.manifest)
                if names is None:
                    by_digest[row.manifest] = set([name])
                else:
                    names.add(name)
        self.rows = visible
        self.hidden = [row for row in rows if row.hidden]
        self.by_name = by_name
        self.current = current
        self.by_digest = by_digest
        ends = [row.end_ms for row in rows if row.end_ms is not None]
        self.next_gc_ms = min(ends) + self.window_ms if ends else None
        self.changed()

    def alive_tag(self, name, now_ms):
        """The alive, visible row of a tag name (Quay's get_tag), or None."""
        row = self.current.get(name)
        if row is not None and row.alive(now_ms):
            return row
        return None

    def end_row(self, row, end_ms):
        row.end_ms = end_ms
        self._forget_current(row)
        self.note_end(end_ms)
        self.changed()

    def add_current(self, row):
        self.insert_row(row)
        self._set_current(row)
        self.changed()

    def referenced_alive(self, digest, now_ms):
        for name in self.by_digest.get(digest, ()):
            if self.current[name].alive(now_ms):
                return True
        return False

    # -- garbage collection -----------------------------------------------------------------------------------------

    def collect_garbage(self, now_ms):
        """Remove rows past the time machine and the manifests nothing keeps any more. Cheap when nothing is due."""
        if self.next_gc_ms is None or now_ms < self.next_gc_ms:
            return False
        cutoff = now_ms - self.window_ms

        def keep(row):
            return row.end_ms is None or row.end_ms > cutoff

        removed = [row for row in self.rows if not keep(row)]
        removed_hidden = [row for row in self.hidden if not keep(row)]
        self.next_gc_ms = None
        if removed:
            self.rows = [row for row in self.rows if keep(row)]
            gone = set(row.name for row in removed)
            for name in gone:
                same = [row for row in self.by_name.get(name, ()) if keep(row)]
                if same:
                    self.by_name[name] = same
                else:
                    self.by_name.pop(name, None)
            for row in removed:
                self._forget_current(row)
        if removed_hidden:
            self.hidden = [row for row in self.hidden if keep(row)]
        for row in self.rows:
            self.note_end(row.end_ms)
        for row in self.hidden:
            self.note_end(row.end_ms)
        if not removed and not removed_hidden:
            return False
        referenced = set(row.manifest for row in self.rows)
        referenced.update(row.manifest for row in self.hidden)
        keep_digests = set(referenced)
        for digest in referenced:
            manifest = self.manifests.get(digest)
            if manifest is not None and manifest.children:
                keep_digests.update(manifest.children)
        for digest in [digest for digest in self.manifests if digest not in keep_digests]:
            del self.manifests[digest]
        self._rebuild_parents()
        self.changed()
        return True
