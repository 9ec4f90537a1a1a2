"""Synthetic platform and bank data with a known default process.

:func:`generate` writes a whole federation (platform, banks, truth, events)
to a directory; the submodules hold the pieces of the data-generating model.
"""

from federation.data.synthetic.generate import AS_OF, BankSummary, SyntheticSummary, generate
from federation.data.synthetic.platform import GROUPS

__all__ = ["AS_OF", "GROUPS", "BankSummary", "SyntheticSummary", "generate"]
