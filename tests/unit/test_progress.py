"""The progress printer every long command uses.

Test plan (hand computations): after 2 of 5 steps in 40 s the time to go is 40 / 2 x 3 = 60 s;
before the first step only the time so far; a search bounded by its budget says "at most";
a message with "D/T done" counts D of T, a numbered step ("evaluation 3") counts 3 of the budget;
a resumed run says at once how many steps it kept and paces the rest by its own steps only.
"""

from __future__ import annotations

import io

from sim.cli.progress import Progress, eta_text


def test_eta_by_hand():
    assert eta_text(40, 2, 5) == "(40 s, about 60 s to go)"
    assert eta_text(40, 0, 5) == "(40 s)"
    assert eta_text(30, 3, 10, at_most=True) == "(30 s, at most 70 s to go)"


def _printer(monkeypatch, what="replication"):
    out = io.StringIO()
    p = Progress(what, out)
    monkeypatch.setattr(Progress, "elapsed", property(lambda self: 40.0))
    return p, out


def test_steps_and_messages(monkeypatch):
    p, out = _printer(monkeypatch)
    p(2, 5)
    p.messages()("  region-replication 4/8 done")
    p.messages("evaluation", 20, at_most=True)("  evaluation 10: cost 1.2")
    p.messages("evaluation", 20)("polishing on the long runs")
    assert out.getvalue().splitlines() == [
        "  replication 2/5 done (40 s, about 60 s to go)",
        "  region-replication 4/8 done (40 s, about 40 s to go)",
        "  evaluation 10: cost 1.2 (40 s, at most 40 s to go)",
        "  polishing on the long runs (40 s)",
    ]


def test_a_resumed_run_says_what_it_kept_and_paces_only_its_own_steps(monkeypatch):
    """3 of 5 kept, then the 4th done after 40 s: 1 step in 40 s, 1 to go, so about 40 s (not 10 s)."""
    p, out = _printer(monkeypatch, "replication pair")
    p.resumed(3, 5)
    p(4, 5)
    assert out.getvalue().splitlines() == [
        "  replication pair 3/5 kept from an earlier run of the same command; 2 to go",
        "  replication pair 4/5 done (40 s, about 40 s to go)",
    ]
