"""True need, triage error and re-presentations in short noord runs.

Test plan (deterministic relations and conservation of the new counters):
- with zero under-triage at every desk there is no re-presentation and no under-triage, whatever
  the zcc diverts; with zero over-triage too the time-to-care tallies still cover every NTS urgency;
- diverting patients with a true admission need produces re-presentations: in the zcc with every
  substitution's true need admission (under-triage 1 at the substitution desk, every other desk
  exact) and a one-minute delay, every substitution comes back once, with need admission, by the
  configured route (all at the SEH), up to those still on their way at the end of the run;
- conservation: under- and over-triage per day are the sums of their desks; re-presentations are
  the sum of their routes and of their needs; the flows of the re-presentation pseudo-stream plus
  the re-presentations still in the chain are the re-presentations; the share within the NTS window
  lies in [0, 1];
- common random numbers: triage error draws from its own streams, so raising the HAP desk's
  under-triage leaves every arrival unchanged (the re-presentations it adds then change queues).
"""

from __future__ import annotations

from sim.config.constants import NTS_URGENCIES, TRIAGE_DESKS
from sim.config.loader import load_scenario
from sim.run.runner import run_replication
from tests.helpers import ROOT

EST = {"estimate": "test"}


def _errors(under: float = 0.0, over: float = 0.0, **desk_under: float) -> dict:
    return {d: {"under_triage": {"value": desk_under.get(d, under), **EST}, "over_triage": {"value": over, **EST}}
            for d in TRIAGE_DESKS}


def _kpis(name: str, over: dict, days: float = 3) -> dict[str, float]:
    sc = load_scenario(ROOT / f"scenarios/noord/{name}.yaml", {"run": {"days": days, "warmup_days": 0.5}, **over})
    return run_replication(sc, 0)


def test_no_under_triage_means_no_re_presentation():
    k = _kpis("zcc", {"true_need": {"triage_error": _errors()},
                      "zcc": {"substitution": {"seh": {"value": 1.0, **EST}}}})
    assert k["substitutions_per_day"] > 0
    assert k["re_presentations_per_day"] == 0 and k["under_triage_per_day"] == 0
    assert k["over_triage_per_day"] == 0
    assert all(k[f"time_to_care_within_window_share.{u.lower()}"] >= 0 for u in NTS_URGENCIES)


def test_diverting_patients_who_need_admission_brings_them_back():
    fixed = {"dist": "fixed", "mean": 1.0, **EST}
    k = _kpis("zcc", {
        "true_need": {"triage_error": _errors(zcc_substitution=1.0),
                      "under_triaged_need": {"gp": {"shares": {"admission": 1.0}, **EST}},
                      "re_presentation": {"delay": fixed, "route": {"shares": {"seh": 1.0, "call_112": 0.0}, **EST}}},
        "zcc": {"substitution": {"seh": {"value": 1.0, **EST}}}})
    subs = k["substitutions_per_day"]
    assert subs > 0
    assert k["re_presentations_per_day"] > 0
    assert k["re_presentations_per_day"] == k["re_presentations_per_day.need_admission"]
    assert k["re_presentations_per_day"] == k["re_presentations_per_day.seh"]
    assert k["under_triage_per_day"] == k["under_triage_per_day.zcc_substitution"] == subs
    # each substitution comes back a minute later: all of them, up to one at either end of the 3-day
    # measurement (substituted just before the warm-up ended, or in its last minute)
    assert abs(k["re_presentations_per_day"] - subs) <= 1 / 3 + 1e-9


def test_true_need_counters_are_conserved():
    k = _kpis("zcc", {"zcc": {"substitution": {"seh": {"value": 0.5, **EST}}}})
    for key in ("under_triage_per_day", "over_triage_per_day"):
        assert abs(k[key] - sum(k[f"{key}.{d}"] for d in TRIAGE_DESKS)) < 1e-9
    r = k["re_presentations_per_day"]
    assert abs(r - k["re_presentations_per_day.seh"] - k["re_presentations_per_day.call_112"]) < 1e-9
    assert abs(r - k["re_presentations_per_day.need_seh"] - k["re_presentations_per_day.need_admission"]) < 1e-9
    ended = sum(v for key, v in k.items() if key.startswith("flows_per_day.re_presentation."))
    assert ended <= r + 1e-9
    assert 0 <= k["time_to_care_within_window_share"] <= 1
    assert k["double_triage_avoided_per_day"] > 0 and k["double_triage_per_day"] >= 0


def test_triage_error_has_its_own_streams():
    a = _kpis("status_quo", {"true_need": {"triage_error": _errors()}}, days=2)
    b = _kpis("status_quo", {"true_need": {"triage_error": _errors(hap_triage=0.5)}}, days=2)
    for key in a:
        if key.startswith("arrivals_per_day."):
            assert a[key] == b[key], key
    assert b["under_triage_per_day.hap_triage"] > a["under_triage_per_day.hap_triage"]
