"""``python -m sim`` runs the command line."""

from sim.cli.main import program

raise SystemExit(program())
