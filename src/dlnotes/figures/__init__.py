"""Figures of the site: one module per page, each function returns a matplotlib Figure.

Pages render them at build time with the site's renderer (``dlnotes_site.figures.render``,
build machinery outside this package)::

    ```python exec="on" html="on"
    from dlnotes_site.figures import render
    print(render("course1_week2.sigmoid_curve", alt="The sigmoid function"))
    ```

A figure function only draws. A slow computation shared by figures and pages (a training run)
is marked with :func:`heavy`; the marker changes nothing here, and the site's build keeps the
results of marked functions so that a rebuild does not train again. See
[how figures are built](about.md#figures).
"""

__all__ = ["heavy"]


def heavy(func=None, *, distributions=()):
    """Mark ``func`` as a slow, deterministic computation whose result the build may keep.

    ``@heavy``, or ``@heavy(distributions=("scikit-learn",))`` when a library's version can
    change the result. The function is returned unchanged, with a ``heavy`` attribute.

    Examples
    --------
    >>> @heavy
    ... def slow(n):
    ...     return n
    >>> slow(3), slow.heavy
    (3, {'distributions': ()})
    """
    if func is None:
        return lambda f: heavy(f, distributions=distributions)
    func.heavy = {"distributions": tuple(distributions)}
    return func
