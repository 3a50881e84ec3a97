"""acutesim: discrete-event simulation of the Dutch acute care chain and zorgcoördinatie."""

__version__ = "0.1.0"
