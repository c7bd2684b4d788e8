"""``python -m feedd``: the same command as ``feedd``."""

import sys

from .cli import main

sys.exit(main())
