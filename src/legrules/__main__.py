"""``python -m legrules``: the same command line as the ``legrules`` script.

Useful where the script is not on ``PATH`` (a virtual environment not activated, a
notebook's ``!python -m legrules ...``), and to be sure which interpreter runs it.
"""

import sys

from legrules.cli import main

sys.exit(main())
