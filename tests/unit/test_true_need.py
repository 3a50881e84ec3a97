"""True need and triage error, one patient at a time, in a deterministic chain.

Test plan (deterministic cases, times added up by hand from the scenario; the harness in
tests/unit/single_patient.py fixes every duration at its mean and makes triage exact):
- an exact triage: a HAP caller given telephone advice is cared for when the call ends; time to
  care is the handling time, tallied under their NTS urgency; no re-presentation, no error counted;
- an under-triaged HAP caller (under_triage 1) given telephone advice whose true need is the SEH
  comes back after the (fixed) re-presentation delay at the nearest SEH, is counted once as under-
  triaged and once as a re-presentation; their true urgency is one category more urgent and time
  to care runs from the first call to the SEH place (handling + delay);
- a re-presentation whose true need is admission is admitted at the SEH even though the SEH's
  admission share is 0 (the deterministic chain's), and never comes back a second time;
- a 112 caller sent to the HAP after first triage (status quo) is triaged twice (a double
  triage); in the zcc the warm transfer avoids it.
"""

from __future__ import annotations

import pytest

from sim.chain import record as rec
from tests.unit.single_patient import TOL, chain, mix, share

EST = "unit test"
TUESDAY_20H = (24 + 20) * 60.0  # 2 January 2024 20:00, ANW hours


def _exact(**desk_errors: float) -> dict:
    """Every desk exact except the given under-triage shares."""
    desks = ("self_triage", "hap_triage", "dispatch_112", "zcc_triage", "zcc_substitution")
    return {d: {"under_triage": share(desk_errors.get(d, 0.0)), "over_triage": share(0.0)} for d in desks}


def _true_need(delay: float, need: str = "seh", route: str = "seh", **errors: float) -> dict:
    gp_need = "admission" if need == "admission" else "seh"
    return {"true_need": {
        "triage_error": _exact(**errors),
        "under_triaged_need": {"self_care": mix(**{need: 1.0}), "gp": mix(**{gp_need: 1.0})},
        "re_presentation": {"delay": {"dist": "fixed", "mean": delay, "cv": None, "estimate": EST},
                            "route": mix(**{route: 1.0, ("call_112" if route == "seh" else "seh"): 0.0})}}}


def _advice(over: dict) -> dict:
    base = {"routing": {"hap_triage": {"U3": mix(telephone_advice=1.0)}}}
    base.update(over)
    return base


def test_exact_triage_advice_is_care_at_the_end_of_the_call():
    c = chain(_advice(_true_need(600.0)))
    p = c.patient("hap_call", urgency="U3", at=TUESDAY_20H)
    c.enter(p, days=5)
    handling = c.scenario.desks.hap_triage.handling.mean
    assert p.true_urgency == "U3" and p.true_need == "self_care"
    assert c.tally(rec.time_to_care_key("U3")) == pytest.approx([handling], abs=TOL)
    assert c.count(rec.RE_PRESENTATIONS) == 0 and c.count(rec.UNDER_TRIAGE) == 0
    assert c.count(rec.DOUBLE_TRIAGE) == 0


def test_under_triaged_advice_comes_back_at_the_seh():
    delay = 600.0
    c = chain(_advice(_true_need(delay, need="seh", hap_triage=1.0)))
    p = c.patient("hap_call", urgency="U3", at=TUESDAY_20H)
    c.enter(p, days=5)
    handling = c.scenario.desks.hap_triage.handling.mean
    assert p.true_urgency == "U2" and p.true_need == "seh" and p.outcome == "telephone_advice"
    assert c.count(rec.UNDER_TRIAGE) == 1 and c.count(rec.sub(rec.UNDER_TRIAGE, "hap_triage")) == 1
    assert c.count(rec.RE_PRESENTATIONS) == 1 and c.count(rec.sub(rec.RE_PRESENTATIONS, "seh")) == 1
    assert c.count(rec.sub(rec.RE_PRESENTATIONS, "need_seh")) == 1
    # time to care: from the first call to the SEH place of the re-presentation, under the true urgency
    assert c.tally(rec.time_to_care_key("U2")) == pytest.approx([handling + delay], abs=TOL)
    assert c.tally(rec.time_to_care_key("U3")) == []
    back = [row for row in c.log.rows if row[2] == "re_presentation"]
    assert [r[3] for r in back][:3] == ["arrive", "re_presentation", "seh_arrival"]
    assert back[-1][3:] == ("end", "seh_home")
    assert back[0][0] == pytest.approx(TUESDAY_20H + handling + delay, abs=TOL)


def test_a_re_presentation_needing_admission_is_admitted_and_comes_back_once():
    c = chain(_advice(_true_need(60.0, need="admission", hap_triage=1.0)))
    p = c.patient("hap_call", urgency="U3", at=TUESDAY_20H)
    c.enter(p, days=20)
    assert p.true_need == "admission"
    assert c.count(rec.RE_PRESENTATIONS) == 1 and c.count(rec.sub(rec.RE_PRESENTATIONS, "need_admission")) == 1
    assert c.count(rec.HOSPITAL_ADMISSIONS) == 1  # the SEH's admission share is 0 in this chain


def test_112_to_the_hap_is_a_double_triage_and_the_warm_transfer_avoids_it():
    gp = {"routing": {"dispatch": mix(no_ambulance=1.0), "no_ambulance": mix(gp=1.0)}}
    c = chain({**gp, **_true_need(60.0)})
    p = c.patient("call_112", at=TUESDAY_20H)
    c.enter(p, days=2)
    assert p.triages == 2 and c.count(rec.DOUBLE_TRIAGE) == 1
    z = chain({**gp, **_true_need(60.0), "zcc": {"flows": {"warm_transfer_share": {
        "A1": share(0.0), "A2": share(0.0), "no_ambulance": share(1.0)}}}}, setting="zcc")
    q = z.patient("call_112", at=TUESDAY_20H)
    z.enter(q, days=2)
    assert q.triages == 1 and z.count(rec.DOUBLE_TRIAGE) == 0 and z.count(rec.DOUBLE_TRIAGE_AVOIDED) == 1


def test_shifted_urgency_table_equals_the_rule():
    """The looked-up true urgency is the rule's: one step per error, kept within U1-U5; unknown urgencies raise."""
    from sim.chain.coordination.true_need import shifted
    from sim.config.constants import NTS_URGENCIES

    for i, u in enumerate(NTS_URGENCIES):
        for error in (-2, -1, 0, 1, 2):
            assert shifted(u, error) == NTS_URGENCIES[min(max(i + error, 0), len(NTS_URGENCIES) - 1)]
    assert shifted("U1", -1) == "U1" and shifted("U5", 1) == "U5" and shifted("U3", -1) == "U2"
    with pytest.raises(ValueError):
        shifted("A1", 0)
