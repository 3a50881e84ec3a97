"""Desk rosters from today's staffing (sim/config/rosters.py) and their use by the loader.

Test plan (hand computations and conservation):
- shifts: every hour belongs to the shift that started last, across midnight and the week's end;
- a shift roster spends the weekly phone hours in proportion to demand (conservation, up to rounding),
  keeps a level within each shift, closes hours without demand and keeps the minimum when open;
- rounding to whole people keeps the week's hours: within half the longest shift of the target for any
  demand (Hypothesis), where rounding each shift on its own is off by more (hand case);
- head count to phone hours is the product of the documented factors (hand computation);
- a reference level (RIVM: centralists on weekdays in daytime) is reproduced in the reference shift,
  and other shifts get the same demand per person-hour;
- the loader computes a roster a scenario does not give, keeps one it gives, and refuses a site with neither;
- a staff shortage scales a roster's weekly hours by largest remainder (the scaled total, up to the hours
  kept open at one person), never adds staff, keeps open hours open and is the identity at factor 1.
"""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from sim.config import rosters
from sim.config.loader import ScenarioError, load_scenario
from tests.helpers import NOORD

WEEK = 168


def test_shifts_run_from_start_to_start_across_midnight_and_the_week():
    shift = rosters.shift_of_hour([8, 17, 23], [8, 17, 23])
    assert shift[0] == shift[7] == shift[WEEK - 1]  # Monday night continues Sunday's 23:00 shift
    assert shift[8] != shift[7] and shift[8] == shift[16]
    assert shift[17] == shift[22] != shift[23]
    assert shift[23] == shift[24 + 7]  # Monday 23:00 to Tuesday 08:00
    assert len(set(shift)) == 7 * 3


def test_shift_roster_spends_the_hours_in_proportion_to_demand():
    shifts = rosters.shift_of_hour([0, 12], [0, 12])
    demand = [1.0 if (h % 24) < 12 else 3.0 for h in range(WEEK)]  # afternoons three times as busy
    roster = rosters.shift_roster(168 * 4, demand, shifts, minimum_when_open=0)
    assert roster[0] == 2 and roster[12] == 6  # 4 on average, split 1:3
    assert sum(roster) == 168 * 4


def test_shift_roster_for_the_busiest_hour_by_hand():
    """Two 12-hour shifts; the morning has one hour at 4 and eleven at 1, the afternoon all at 2.

    Staffed for the average the morning gets (4 + 11) / 12 = 1.25 x the afternoon's 2 per unit;
    staffed for the busiest hour the levels go 4 : 2, with the week's hours unchanged:
    84 morning hours x 4k + 84 afternoon hours x 2k = 168 x 3 gives k = 1, so 4 and 2.
    """
    shifts = rosters.shift_of_hour([0, 12], [0, 12])
    demand = [4.0 if h % 24 == 0 else (1.0 if h % 24 < 12 else 2.0) for h in range(WEEK)]
    busiest = rosters.shift_roster(168 * 3, demand, shifts, minimum_when_open=0, staffed_for="busiest_hour")
    assert busiest[0] == busiest[11] == 4 and busiest[12] == 2
    assert sum(busiest) == 168 * 3
    average = rosters.shift_roster(168 * 3, demand, shifts, minimum_when_open=0)
    assert average[0] < busiest[0]
    with pytest.raises(ValueError, match="staffed_for"):
        rosters.shift_roster(10, demand, shifts, 0, staffed_for="median")


def test_rounding_keeps_the_weeks_hours_by_hand():
    """Fourteen 12-hour shifts at 2.4 people each (403.2 h a week): rounding each shift gives 2 everywhere
    (336 h, 67 h short); keeping the week's hours gives the first six shifts (equal remainders: first come)
    a third person, 408 h, the whole-people week nearest to 403.2."""
    shifts = rosters.shift_of_hour([0, 12], [0, 12])
    roster = rosters.shift_roster(168 * 2.4, [1.0] * WEEK, shifts, minimum_when_open=0)
    assert sum(roster) == 408
    assert roster[:72] == [3] * 72 and roster[72:] == [2] * 96


@settings(max_examples=60, deadline=None)
@given(st.lists(st.floats(0.0, 10.0), min_size=WEEK, max_size=WEEK), st.floats(1.0, 5000.0),
       st.sampled_from(["average", "busiest_hour"]))
def test_rounding_keeps_the_weeks_hours_for_any_demand(demand, hours, staffed_for):
    shifts = rosters.shift_of_hour([7, 16, 23], [8, 17, 23])
    roster = rosters.shift_roster(hours, demand, shifts, minimum_when_open=0, staffed_for=staffed_for)
    if sum(demand) == 0:
        assert roster == [0] * WEEK
        return
    open_per_shift: dict[int, int] = {}
    for h in range(WEEK):
        if demand[h] > 0:
            open_per_shift[shifts[h]] = open_per_shift.get(shifts[h], 0) + 1
    assert abs(sum(roster) - hours) <= max(open_per_shift.values()) / 2 + 1e-9


def test_shift_roster_levels_within_a_shift_closes_and_keeps_a_minimum():
    shifts = rosters.shift_of_hour([8, 17, 23], [8, 17, 23])
    demand = [0.0 if (h // 24) < 5 and 8 <= h % 24 < 17 else 1.0 + (h % 24 == 18) for h in range(WEEK)]
    roster = rosters.shift_roster(50, demand, shifts, minimum_when_open=1)
    assert all(roster[d * 24 + h] == 0 for d in range(5) for h in range(8, 17))  # office hours closed
    assert len({roster[17], roster[18], roster[22]}) == 1  # one level in the evening shift despite its peak
    assert min(v for v, w in zip(roster, demand, strict=True) if w > 0) >= 1
    assert rosters.shift_roster(0, demand, shifts, 1) == [0] * WEEK


def test_head_count_to_phone_hours_by_hand():
    hours = rosters.phone_hours_from_headcount(20, 0.5, 36, leave=0.1, absence=0.08, breaks=0.0625,
                                               phone_share=0.75)
    assert hours == pytest.approx(20 * 0.5 * 36 * 0.9 * 0.92 * 0.9375 * 0.75)


def test_reference_level_is_kept_in_its_shift_and_others_follow_demand():
    shifts = rosters.shift_of_hour([7, 15, 23], [7, 15, 23])
    demand = [2.0 if 7 <= h % 24 < 15 else 1.0 for h in range(WEEK)]
    hours = rosters.phone_hours_from_reference(12, 0.5, demand, shifts, reference_hour_of_day=12)
    roster = rosters.shift_roster(hours, demand, shifts, minimum_when_open=2)
    assert roster[12] == 6  # 12 centralists x half on the phone
    assert roster[3] == 3  # half the demand per hour at night: half the staff


def test_loader_computes_keeps_or_refuses_a_desk_roster():
    sc = load_scenario(NOORD)
    groningen = sc.resources.haps["hap_groningen"]
    assert groningen.triagists is not None and sum(groningen.triage.values) > 0
    assert "head count" in (groningen.triage.estimate or "")
    given = {"resources": {"haps": {"hap_groningen": {"triage_roster": {"values": [3] * WEEK, "estimate": "test"}}}}}
    assert load_scenario(NOORD, given).resources.haps["hap_groningen"].triage.values == [3] * WEEK
    more = {"desks": {"hap_triage": {"staffing": {"fte_per_head": {"value": 1.0, "estimate": "test"}}}}}
    assert sum(load_scenario(NOORD, more).resources.haps["hap_groningen"].triage.values) > \
        sum(groningen.triage.values)
    new_post = {"haps": {"hap_new": {"subarea": "GM0014", "gp_roster": {"values": [1] * WEEK, "estimate": "t"},
                                     "car_roster": {"values": [1] * WEEK, "estimate": "t"}}}}
    with pytest.raises(ScenarioError, match="no centre answers post.s. hap_new"):
        load_scenario(NOORD, {"resources": new_post})
    centre = {"hap_triage_centres": {"triage_new": {"posts": ["hap_new"], "estimate": "t"}}}
    with pytest.raises(ScenarioError, match="triagists"):
        load_scenario(NOORD, {"resources": {**new_post, **centre}})


def test_a_triage_centre_rosters_its_posts_as_one_desk():
    """A centre's roster is one shift roster of its posts' summed head count, shared out to the posts by head
    count: the posts' rosters add up to it hour by hour, and a post with more triagists never gets fewer."""
    from sim.config import rosters

    sc = load_scenario(NOORD)
    res, hs = sc.resources, sc.desks.hap_triage.staffing
    name, centre = next((n, c) for n, c in res.hap_triage_centres.items() if len(c.posts) > 1)
    heads = sum(res.haps[p].triagists.value for p in centre.posts)
    hours = rosters.phone_hours_from_headcount(heads, hs.fte_per_head.value, sc.staffing.fte_hours_per_week.value,
                                               hs.leave_share.value, hs.absence_share.value, hs.break_share.value,
                                               hs.phone_share.value)
    expected = rosters.shift_roster(hours, sc.profiles[sc.streams.hap_call.profile].values,
                                    rosters.shift_of_hour(hs.shifts.weekday, hs.shifts.weekend),
                                    hs.minimum_on_duty.value, hs.shifts.staffed_for)
    assert res.centre_rosters()[name] == expected
    by_heads = sorted(centre.posts, key=lambda p: res.haps[p].triagists.value)
    for small, large in zip(by_heads, by_heads[1:], strict=False):
        assert all(s <= b for s, b in zip(res.haps[small].triage.values, res.haps[large].triage.values, strict=True))
    with pytest.raises(ScenarioError, match="already answered by"):
        load_scenario(NOORD, {"resources": {"hap_triage_centres": {"triage_twice": {
            "posts": [centre.posts[0]], "estimate": "t"}}}})


def test_scaled_roster_keeps_the_scaled_hours_and_open_hours():
    """A staff shortage scales the week's hours (largest remainder), not each hour (which would round back)."""
    week = [0, 1, 2, 3, 5, 8, 13, 2] * 21
    assert rosters.scale_roster(week, 1.0) == week
    for factor in (0.9, 0.8, 0.5):
        scaled = rosters.scale_roster(week, factor)
        floor = sum(1 for v, s in zip(week, scaled, strict=True) if v > 0 and int(v * factor) == 0)
        assert round(sum(week) * factor) <= sum(scaled) <= round(sum(week) * factor) + floor
        assert all(s >= 1 for v, s in zip(week, scaled, strict=True) if v > 0)  # an open desk stays open
        assert all(s == 0 for v, s in zip(week, scaled, strict=True) if v == 0)
        assert all(s <= v for v, s in zip(week, scaled, strict=True))
    assert rosters.is_triage_group(["ambulance_nurse", "gp_triagist"]) and not rosters.is_triage_group(["coordinator"])


def test_mystery_call_window_may_end_on_the_half_hour():
    """Interswitch's window 19:00-21:30: the load of test calls covers hours 19 and 20 and half of 21."""
    from sim.config.constants import DAY_NAMES, HOURS_PER_DAY
    from sim.config.desk_work import mystery_callers

    sc = load_scenario(NOORD, {"desks": {"hap_triage": {"mystery_calls": {"start_hour": 19, "end_hour": 21.5}}}})
    load = mystery_callers(sc)
    sat = DAY_NAMES.index("sat") * HOURS_PER_DAY
    full = load[sat + 19]
    assert full > 0 and load[sat + 20] == full
    assert load[sat + 21] == pytest.approx(full / 2)
    assert load[sat + 18] == 0 and load[sat + 22] == 0
    assert load.sum() == pytest.approx(full * 2.5)
