"""`python -m aigentflow` runs the command line."""

import sys

from aigentflow.cli import main

sys.exit(main())
