"""Test tooling: the fault-injecting proxy, mutations, the hostile server, harness runs."""
