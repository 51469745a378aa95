"""The book's build: what turns the course into its static site.

- `sphinx`: the Sphinx extensions (offline scripts, source pages, explorers,
  accessibility fixes) that `_config.yml` loads.
- `explorers`: the static explorers, computed with carepool at build time.
- `offline_charts`: Altair charts drawn with the site's own Vega.
- `reference`: the model reference page, generated from carepool's parameters.
- `timeline`: the course's timeline chart and its data.

It uses carepool and never the grading part.
"""
