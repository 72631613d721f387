"""Test-suite settings shared by tests/, the doctests and the notebooks."""

import os

# Notebooks read this to run short versions of their training cells under test;
# run them by hand (jupyter) without it for the full versions.
os.environ.setdefault("QNLP_NOTEBOOK_QUICK", "1")
