"""dlnotes_site: the machinery that builds the site from ``dlnotes`` (not course material).

``dlnotes`` holds the teaching code shown on the pages; this package holds what the build needs
around it and imports ``dlnotes``, never the other way round:

* :mod:`dlnotes_site.deps`: the package's static import graph and its one digest (the key of
  every figure, result and lab, and the package check of ``mkdocs serve --dirty``);
* :mod:`dlnotes_site.figures`: the figure renderer, the disk memo of the functions a figure
  module marks ``dlnotes.figures.heavy``, the cache directories and the import-time guard;
* :mod:`dlnotes_site.stats`: the counts and the edit impact that ``docs/about.md`` prints;
* :mod:`dlnotes_site.state`: the one state object the hooks keep across ``mkdocs serve`` rebuilds.

None of it needs MkDocs: the hooks in ``hooks/`` call it.
"""
