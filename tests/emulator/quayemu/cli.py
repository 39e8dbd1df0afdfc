# -*- coding: utf-8 -*-
# Copyright (c) 2026 quaytools.tags contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

"""The command line: ``python tests/emulator/quay_emulator.py --seed SEED [--port 0] ...`` (or ``python -m quayemu``
from tests/emulator). Prints one JSON line {"url", "token", "pid"} once serving; exits 2 when it cannot start.
"""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import argparse
import json
import os
import signal
import ssl
import sys
import threading

from .emulator import Emulator
from .model import SeedError


def write_state_file(path, line):
    directory = os.path.dirname(os.path.abspath(path))
    temporary = os.path.join(directory, ".%s.%d.tmp" % (os.path.basename(path), os.getpid()))
    with open(temporary, "w", encoding="utf-8") as handle:
        handle.write(line + "\n")
    os.replace(temporary, path)


def main(argv=None):
    parser = argparse.ArgumentParser(description="Quay tag-API emulator (see docs/developing.md).")
    parser.add_argument("--seed", required=True, help="seed JSON file")
    parser.add_argument("--host", default="127.0.0.1", help="address to listen on (default 127.0.0.1)")
    parser.add_argument("--port", type=int, default=0, help="port (default 0: any free port)")
    parser.add_argument("--tls-cert", help="PEM certificate (chain): serve HTTPS")
    parser.add_argument("--tls-key", help="PEM private key for --tls-cert")
    parser.add_argument("--state-file", help="also write the start-up JSON line to this file")
    parser.add_argument("--verbose", action="store_true", help="log every request on stderr")
    parser.add_argument("--latency-ms", type=float, default=0,
                        help="wait this long before answering each API request, like a network (default 0)")
    args = parser.parse_args(argv)
    if bool(args.tls_cert) != bool(args.tls_key):
        parser.error("--tls-cert and --tls-key go together")
    try:
        emulator = Emulator(seed=args.seed, host=args.host, port=args.port, tls_cert=args.tls_cert, tls_key=args.tls_key,
                            verbose=args.verbose, latency_ms=args.latency_ms).start()
    except (SeedError, OSError, ValueError, ssl.SSLError) as error:
        sys.stderr.write("quay_emulator: %s\n" % error)
        return 2
    stop = threading.Event()

    def on_signal(signum, frame):
        stop.set()

    signal.signal(signal.SIGTERM, on_signal)
    signal.signal(signal.SIGINT, on_signal)
    line = json.dumps(emulator.info())
    if args.state_file:
        write_state_file(args.state_file, line)
    sys.stdout.write(line + "\n")
    sys.stdout.flush()
    while not stop.wait(0.5):
        pass
    emulator.stop()
    return 0
