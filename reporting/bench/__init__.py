"""Synthetic national-scale data for the benchmark (issue 7); not used by the portal itself."""
