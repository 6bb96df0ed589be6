"""dlnotes_site.stats: the counts and the edit impact that docs/about.md prints."""

import shutil

from dlnotes_site import deps as _deps
from dlnotes_site import stats as _site

PAGE = '''# A page

```python
--8<-- "src/dlnotes/activations.py:relu"
```

```python
--8<-- "src/dlnotes/activations.py:relu"
```

```python exec="on" result="text"
from dlnotes_site.figures import render
print(render("course1_week2.sigmoid_curve", alt="a"))
print(render(
    "course1_week2.tanh_curve", alt="b"))
```

```pycon
>>> 1 + 1
2
>>> 2 + 2
4
```
'''


def _fixture(tmp_path):
    root = tmp_path / "project"
    shutil.copytree(_deps.package_dir(), root / "src" / "dlnotes", ignore=shutil.ignore_patterns("__pycache__"))
    (root / "docs" / "labs").mkdir(parents=True)
    (root / "docs" / "page.md").write_text(PAGE, encoding="utf-8")
    (root / "docs" / "about.md").write_text('```python exec="on"\nprint(1)\n```\n', encoding="utf-8")
    (root / "docs" / "labs" / "01-a.py").write_text("from dlnotes.batchnorm import batchnorm_forward\n")
    (root / "docs" / "labs" / "02-b.py").write_text("import numpy as np\n")
    (root / "tests").mkdir()
    (root / "tests" / "test_x.py").write_text("def test_a():\n    pass\n\n\ndef test_b():\n    pass\n")
    return root


def test_site_statistics_counts_a_known_tree(tmp_path):
    root = _fixture(tmp_path)
    stats = _site.site_statistics(root)
    files = _deps.module_files(root / "src" / "dlnotes")
    assert stats["pages"] == 2                                  # about.md counts as a page ...
    assert stats["executed blocks"] == 1                        # ... but its blocks are not counted
    assert (stats["included blocks"], stats["distinct sections"]) == (2, 1)
    assert stats["figures"] == 2                                # one call spans two lines
    assert stats["doctest lines on pages"] == 2
    assert stats["package files"] == len(files)
    assert stats["package lines"] == sum(len(p.read_text().splitlines()) for p in files.values())
    assert stats["test functions"] == 2


def test_edit_impact_follows_the_import_closure(tmp_path):
    root = _fixture(tmp_path)
    impact = _site.edit_impact("dlnotes.batchnorm", root)
    assert impact["labs"] == ["01-a"] and impact["all_labs"] == ["01-a", "02-b"]
    assert "dlnotes.figures.course1_week2" not in impact["figure_modules"]     # plots, logistic: no nn
    assert impact["figures"] == 0 and impact["all_figures"] == 2
    impact = _site.edit_impact("dlnotes.activations", root)
    assert "dlnotes.figures.course1_week2" in impact["figure_modules"]
    assert impact["figures"] == 2 and impact["labs"] == []                    # batchnorm imports _checks only
    assert set(impact["figure_modules"]) == {m for m in impact["all_figure_modules"]
                                             if "dlnotes.activations" in _deps.closure([m], root / "src" / "dlnotes")}
    assert "dlnotes.figures" not in impact["all_figure_modules"]             # the figure modules only
    assert "dlnotes.figures.course1_week1" in impact["all_figure_modules"]
