"""Benchmarks: `make bench` runs all, `make bench NAME=x` one. Each prints a table and writes
var/bench/NAME.json as {"metric": {"value": n, "unit": "...", "target": "..."}}."""
