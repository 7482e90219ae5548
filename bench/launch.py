"""Tiny launcher: ``python -I launch.py OUT.json CMD...`` runs CMD, then writes its wall and CPU time and peak RSS.

Why a launcher: Linux carries the RSS high-water mark of the process that execs into the new
program, so a child spawned straight from a large bench driver would report the driver's peak.
Spawned from this small process, the child's ``ru_maxrss`` is its own (give or take this
launcher's few MB). Kept free of imports beyond the standard library's smallest modules.
"""

import json
import os
import sys
import time


def main(argv: list) -> int:
    out, cmd = argv[0], argv[1:]
    started = time.perf_counter()
    pid = os.posix_spawn(cmd[0], cmd, os.environ) if os.path.isabs(cmd[0]) else os.posix_spawnp(cmd[0], cmd, os.environ)
    with open(out, "w") as fh:  # enough for the parent if it has to stop us early
        json.dump({"started": started}, fh)
    _, status, usage = os.wait4(pid, 0)
    wall = time.perf_counter() - started
    code = os.waitstatus_to_exitcode(status)
    with open(out, "w") as fh:
        json.dump({"wall_s": wall, "cpu_s": usage.ru_utime + usage.ru_stime, "maxrss_kb": usage.ru_maxrss,
                   "returncode": code, "started": started}, fh)
    return code if code >= 0 else 128 - code


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
