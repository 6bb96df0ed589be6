"""pytest: the labs are notebooks, not modules.

`--doctest-modules` would import (= run) every ``NN-name.py`` lab at collection time.
tests/test_labs.py executes them properly, in a fresh Jupyter kernel, instead.
(hooks/labs.py keeps this file out of the site.)
"""

collect_ignore_glob = ["[0-9][0-9]-*.py"]
