"""Benchmarks for the analysis engine (`make bench`); not part of the test suite."""
