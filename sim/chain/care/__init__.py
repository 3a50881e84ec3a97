"""Care services: what happens to a patient once a place of care is chosen.

Each service owns its capacity, its parameters and its random streams, and
knows nothing of how care is coordinated (status quo or zcc). Where a service
must hand a patient on to whoever coordinates — a GP referring to the SEH, a
ward looking for a follow-up bed — it asks its :class:`~sim.chain.care.handoffs.Handoffs`,
which the coordination strategy provides.
"""
