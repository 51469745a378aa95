"""Tests of the primary-source corpus and the pages built from it."""
