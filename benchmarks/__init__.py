"""Benchmarks run by `make bench`; figures are ratios against a baseline in the same process."""
