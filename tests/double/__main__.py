"""Serve the double by hand: ``python -m tests.double [--fault NAME]... [--setting KEY=VALUE]...``

Prints the base URL, then serves until interrupted. Run the cases against it with
``pytest testcases --dicomweb-url URL --dicomweb-claims tests/double/claims.yaml --dicomweb-select worklist``.
"""

from __future__ import annotations

import argparse
import sys
import time

from .faults import FAULTS, Settings
from .server import DicomwebDouble

BOOLEAN = {"filtered_subscriptions", "commitment_async", "npi_store"}


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m tests.double", description=__doc__.splitlines()[0])
    parser.add_argument("--fault", action="append", default=[], choices=sorted(FAULTS), metavar="NAME")
    parser.add_argument("--setting", action="append", default=[], metavar="KEY=VALUE",
                        help="create_query, transaction_uid_param, ws_path, filtered_subscriptions, commitment_async, npi_store")
    ns = parser.parse_args(argv)
    settings = Settings(faults=set(ns.fault))
    for pair in ns.setting:
        key, _, value = pair.partition("=")
        if not hasattr(settings, key) or key == "faults":
            parser.error(f"unknown setting {key!r}")
        setattr(settings, key, value.lower() == "true" if key in BOOLEAN else value)
    with DicomwebDouble(settings) as double:
        print(double.base_url, flush=True)
        try:
            while True:
                time.sleep(3600)
        except KeyboardInterrupt:
            return 0


if __name__ == "__main__":
    sys.exit(main())
