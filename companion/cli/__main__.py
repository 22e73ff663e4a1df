import sys

from companion.cli.entry import console_main

sys.exit(console_main())
