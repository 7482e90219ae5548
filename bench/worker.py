"""Child side of a measurement: ``python -m bench.worker MODULE FUNCTION JSON_ARGS``.

Calls ``bench.MODULE.FUNCTION(**args)`` and prints its dict as one ``BENCH-RESULT {json}`` line.
"""

from __future__ import annotations

import importlib
import json
import sys

from bench.proc import RESULT_PREFIX


def main(argv: list[str]) -> int:
    if len(argv) != 3:
        print("usage: python -m bench.worker MODULE FUNCTION JSON_ARGS", file=sys.stderr)
        return 2
    module, function, raw = argv
    target = getattr(importlib.import_module(f"bench.{module}"), function)
    result = dict(target(**json.loads(raw)))
    result["vm_hwm_mb"] = _peak_rss_mb()
    print(RESULT_PREFIX + json.dumps(result), flush=True)
    return 0


def _peak_rss_mb() -> float:
    """This process's own peak RSS (VmHWM belongs to the program's memory map, unlike ru_maxrss)."""
    with open("/proc/self/status", encoding="ascii") as fh:
        for line in fh:
            if line.startswith("VmHWM:"):
                return int(line.split()[1]) / 1024.0
    import resource

    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024.0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
