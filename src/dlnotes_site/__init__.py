"""dlnotes_site: the machinery that builds the site from ``dlnotes`` (not course material).

``dlnotes`` holds the teaching code shown on the pages; this package holds what the build needs
around it and imports ``dlnotes``, never the other way round. So far:

* :mod:`dlnotes_site.stats`: the counts and the edit impact that ``docs/about.md`` prints;
* :mod:`dlnotes_site.state`: the one state object the hooks keep across ``mkdocs serve`` rebuilds.

The figure renderer, the result memo and the import closure (``dlnotes.figures._cache``,
``dlnotes._deps``) are to move here too (issue 12).
"""
