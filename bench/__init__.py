"""Benchmarks of the harness against plain clients and the physical limit (issue 9).

Run everything with ``python -m bench`` (see bench/README.md). Every number comes from fresh
subprocesses, several times over; the results are the ratios of measurements taken side by side.
"""
