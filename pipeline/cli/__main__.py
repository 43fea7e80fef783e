"""`python -m trialfacts.cli ...`: the same as the `trialfacts` command."""

import sys

from . import main

sys.exit(main())
