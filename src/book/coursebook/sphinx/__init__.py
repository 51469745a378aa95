"""Sphinx extensions used by the course book."""
