import sys

from companion.cli.entry import main

sys.exit(main())
