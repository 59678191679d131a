"""toolkit: accessible, multilingual patient-education material with audio versions."""

# The one place the version lives (pyproject.toml reads it from here); part of every
# incremental-state and cache key. Not read through importlib.metadata: that costs 90 ms
# at every start.
__version__ = "0.1.0"
