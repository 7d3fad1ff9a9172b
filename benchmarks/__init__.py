"""Benchmarks: `make bench` measures the hot paths against a fresh PostgreSQL database."""
