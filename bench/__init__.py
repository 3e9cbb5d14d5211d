"""Benchmarks. Run all of them with ``make bench`` (``python -m bench``), or one module with
``python -m bench.<name>``. Each prints absolute figures and ratios against a baseline measured
in the same run, on the same machine."""
