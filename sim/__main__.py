"""``python -m sim`` runs the command line."""

from sim.cli.main import main

raise SystemExit(main())
