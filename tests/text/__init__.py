"""Tests of the course text: chapters, quotations, glossary, bibliography, timeline."""
