"""Heshu (核数): find, ledger, link and publish the numbers in Chinese government reports."""

__version__ = "0.1.0"
