"""Every generated patient ends in exactly one outcome.

Test plan (conservation): run the full noord status quo (all streams, all
pathways) for a short period; every patient created is either ended once or
still held by a flow that waits (counted independently: a patient dropped by a
flow without an outcome is garbage-collected and missing from the live set);
the per-event log agrees (one arrival and at most one end per patient); giving
a patient a second outcome is an error, never silent; a flow that drops
patients is caught.
"""

from __future__ import annotations

import gc
from collections import Counter

import pyarrow.parquet as pq
import pytest

from sim.chain.errors import DoubleOutcome
from sim.chain.model import Model
from sim.chain.patient import OUTCOMES, Patient
from sim.chain.record import outcome_key
from sim.config.loader import load_scenario
from sim.engine.eventlog import EventLog
from tests.helpers import NOORD, in_pure_python_core


def _short_noord(days: float = 10):
    return load_scenario(NOORD, {"run": {"days": days, "warmup_days": 2}})


def test_every_patient_has_exactly_one_outcome(tmp_path):
    log = EventLog(tmp_path / "events.parquet", batch_rows=10_000)
    m = Model(_short_noord(), 0, event_log=log, track_alive=True).run()
    log.close()
    gc.collect()
    assert m.created > 10_000
    ended, alive = m.record.ended, len(m.record.alive)
    assert 0 < alive < 0.05 * m.created
    assert ended + alive == m.created

    events = pq.read_table(tmp_path / "events.parquet", columns=["patient", "event"]).to_pydict()
    arrivals = Counter(p for p, e in zip(events["patient"], events["event"], strict=True) if e == "arrive")
    ends = Counter(p for p, e in zip(events["patient"], events["event"], strict=True) if e == "end")
    assert len(arrivals) == m.created and max(arrivals.values()) == 1
    assert max(ends.values()) == 1 and sum(ends.values()) == ended
    assert set(ends) <= set(arrivals)


def test_second_outcome_is_an_error():
    m = Model(_short_noord(1), 0)
    p = Patient(0, "hap_call", 0, "U3", "somatic", 0.0)
    m.record.end(p, "telephone_advice")
    with pytest.raises(DoubleOutcome):
        m.record.end(p, "hap_consult")


@in_pure_python_core  # patches a method of a care service (compiled classes take no patch)
def test_a_flow_that_drops_patients_is_caught(monkeypatch):
    """The live-set count is independent: a team visit that forgets the outcome shows up as lost patients."""
    from sim.chain.care.teams import Teams

    def forgetful_visit(self, p, kind):
        yield self.ctx.env.timeout(1.0)
        self.pools[kind].release()  # no outcome: the patient is dropped

    monkeypatch.setattr(Teams, "visit", forgetful_visit)
    m = Model(_short_noord(3), 0, track_alive=True).run()
    gc.collect()
    assert m.record.ended + len(m.record.alive) < m.created


def test_all_pathways_are_exercised():
    m = Model(_short_noord(20), 0).run()
    reached = {o for o in OUTCOMES if m.metrics.counts.get(outcome_key(o))}
    missing = {"self_care", "own_gp", "telephone_advice", "hap_consult", "home_visit", "treated_on_scene",
               "planned_ride", "seh_home", "hospital_home", "elv", "grz", "crisis_bed", "district_nursing",
               "ggz_crisis"} - reached
    assert not missing, f"outcomes never reached: {missing}"
