"""Capacity resources of the chain: staffed queues, bed pools and the ambulance fleet."""

from sim.resources.ambulance import AmbulanceFleet
from sim.resources.pool import CapacityPool
from sim.resources.skilldesk import GroupRoster, SkillDesk

__all__ = ["AmbulanceFleet", "CapacityPool", "GroupRoster", "SkillDesk"]
