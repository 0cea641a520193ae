"""`python -m ganforge` runs the command-line interface."""

from ganforge.cli.main import main

raise SystemExit(main())
