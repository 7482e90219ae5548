"""A spec-faithful test double of the services no real server here offers: Worklist (UPS-RS) with
its event channel, Capabilities, Non-Patient Instances and Storage Commitment (PS3.18 2024e).

Every behaviour cites its section; every requirement it can break has a switch (faults.py).
It proves the harness's cases can pass and can fail. It is never a target the harness
reports on as if it were a product.
"""

from .faults import FAULTS, Settings
from .server import DicomwebDouble

__all__ = ["FAULTS", "DicomwebDouble", "Settings"]
