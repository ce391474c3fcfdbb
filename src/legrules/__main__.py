"""``python -m legrules``: the same command line as the ``legrules`` script.

Useful where the script is not on ``PATH`` (a virtual environment not activated, a
notebook's ``!python -m legrules ...``), and to be sure which interpreter runs it.
Importing this module (as doctest collection or an import-everything check does)
runs nothing.
"""

import sys

from legrules.cli import main

if __name__ == "__main__":
    sys.exit(main())
