"""Coordination strategies: who triages, dispatches and finds care, in each setting.

:class:`~sim.chain.coordination.status_quo.StatusQuo` is today's chain (HAP
triage desks, the 112 dispatch desk, the ELV point, calling around);
:class:`~sim.chain.coordination.zcc.Zcc` is scenario III built on it. A new
setting is a new strategy here; the care services stay as they are.
"""
