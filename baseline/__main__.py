"""`python3 -m baseline ...` from the repository root."""

import sys

from baseline.cli import main

if __name__ == "__main__":
    sys.exit(main())
