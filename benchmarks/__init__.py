"""Benchmarks: scripts that print numbers (and write JSON), never timed tests."""
