#!/usr/bin/env python
# -*- coding: utf-8 -*-
# Copyright (c) 2026 quaytools.tags contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

"""Draw the organization-scale chart: wall time against the number of repositories, one panel per job, one line per
variant (extrapolated points dashed). Runs in the bench's own environment (tests/bench/requirements.txt), not the
collection's: tests/bench/org_scale.py calls it with the figures as JSON.

    python tests/bench/chart.py figures.json docs/performance-org-scale.svg
"""

from __future__ import absolute_import, division, print_function

import json
import sys

import matplotlib

matplotlib.use("svg")
import matplotlib.pyplot as plt  # noqa: E402  pylint: disable=wrong-import-position

STYLES = {"ours": ("#1b7837", "o"), "loop": ("#b2182b", "s"), "uri": ("#5e5e5e", "^")}


def main(source, target):
    with open(source, "r", encoding="utf-8") as handle:
        data = json.load(handle)
    # The SVG names no date and keeps its element ids stable, so a page regenerated with the same figures is unchanged.
    matplotlib.rcParams["svg.hashsalt"] = "quaytools.tags"
    matplotlib.rcParams["svg.fonttype"] = "none"
    jobs = data["jobs"]
    figure, axes = plt.subplots(1, len(jobs), figsize=(5.2 * len(jobs), 4.4), sharey=True)
    if len(jobs) == 1:
        axes = [axes]
    for axis, job in zip(axes, jobs):
        for variant, points in job["series"].items():
            color, marker = STYLES.get(variant, ("black", "x"))
            label = data["variants"].get(variant, variant)
            measured = [(size, seconds) for size, seconds, estimated in points if not estimated]
            # The dashed part joins the last measured point to the extrapolated ones.
            estimated = [(size, seconds) for size, seconds, flag in points if flag]
            if measured:
                axis.plot([p[0] for p in measured], [p[1] for p in measured], color=color, marker=marker, label=label)
            if estimated:
                joined = (measured[-1:] if measured else []) + estimated
                axis.plot([p[0] for p in joined], [p[1] for p in joined], color=color, linestyle="--")
                axis.plot([p[0] for p in estimated], [p[1] for p in estimated], color=color, linestyle="none", marker=marker,
                          markerfacecolor="white", label=None if measured else label + " (extrapolated)")
        axis.set_xscale("log")
        axis.set_yscale("log")
        axis.set_xticks(data["sizes"])
        axis.set_xticklabels([str(size) for size in data["sizes"]])
        axis.set_title(job["title"], fontsize=11)
        axis.set_xlabel("repositories")
        axis.grid(True, which="major", alpha=0.3)
    axes[0].set_ylabel("wall time of the job, s (log scale)")
    axes[0].legend(loc="upper left", fontsize=8)
    figure.suptitle("Organization-wide jobs at %d ms latency (dashed: extrapolated from the measured sizes)"
                    % data["latency_ms"], fontsize=12)
    figure.tight_layout()
    figure.savefig(target, format="svg", metadata={"Date": None})
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1], sys.argv[2]))
