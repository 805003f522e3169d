import sys

from lodplan.cli import main

sys.exit(main())
