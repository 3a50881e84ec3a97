"""Every generated patient ends in exactly one outcome.

Test plan (conservation): run the full noord status quo (all streams, all
pathways) for a short period; every patient created is either ended once or
still in the system at the end; the per-event log agrees (one arrival and at
most one end per patient); giving a patient a second outcome is an error, never
silent.
"""

from __future__ import annotations

from collections import Counter

import pyarrow.parquet as pq
import pytest

from sim.engine.eventlog import EventLog
from sim.config.loader import load_scenario
from sim.chain.model import Model
from sim.chain.patient import OUTCOMES, DoubleOutcome, Patient
from tests.helpers import NOORD


def _short_noord(days: float = 10):
    return load_scenario(NOORD, {"run": {"days": days, "warmup_days": 2}})


def test_every_patient_has_exactly_one_outcome(tmp_path):
    log = EventLog(tmp_path / "events.parquet", batch_rows=10_000)
    m = Model(_short_noord(), 0, event_log=log).run()
    log.close()
    assert m.created > 10_000
    assert set(m.outcomes) <= set(OUTCOMES)
    ended = sum(m.outcomes.values())
    assert 0 <= m.in_system < 0.05 * m.created
    assert ended + m.in_system == m.created

    events = pq.read_table(tmp_path / "events.parquet", columns=["patient", "event"]).to_pydict()
    arrivals = Counter(p for p, e in zip(events["patient"], events["event"]) if e == "arrive")
    ends = Counter(p for p, e in zip(events["patient"], events["event"]) if e == "end")
    assert len(arrivals) == m.created and max(arrivals.values()) == 1
    assert max(ends.values()) == 1 and sum(ends.values()) == ended
    assert set(ends) <= set(arrivals)


def test_second_outcome_is_an_error():
    m = Model(_short_noord(1), 0)
    p = Patient(0, "hap_call", 0, "U3", "somatic", 0.0)
    m.end(p, "telephone_advice")
    with pytest.raises(DoubleOutcome):
        m.end(p, "hap_consult")


def test_all_pathways_are_exercised():
    m = Model(_short_noord(20), 0).run()
    missing = {"self_care", "own_gp", "telephone_advice", "hap_consult", "home_visit", "treated_on_scene",
               "planned_ride", "seh_home", "hospital_home", "elv", "grz", "crisis_bed", "district_nursing",
               "ggz_crisis"} - set(m.outcomes)
    assert not missing, f"outcomes never reached: {missing}"
