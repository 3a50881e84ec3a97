"""Calibration: the fit recovers known inputs and is reproducible.

Test plan (deterministic case: inputs the model itself produced targets from):
- recovery: targets made by the model itself at known inputs are fitted back
  from other start values (the fit is within half the tolerance, so the inputs
  are recovered to within a few per cent);
- reproducibility: the same seed gives the same fitted values and the same
  number of evaluations;
- the command refuses, before any simulation, a calibration file whose parameter names a sourced
  figure by its full key: exit 2, one line naming the file, the parameter and the key.
The calibration file, parameter handling and target formula are checked in
tests/unit/test_calibration_inputs.py.
"""

from __future__ import annotations

import copy

import pytest
import yaml

from sim.cli.main import main
from sim.config.schema import Scenario
from sim.fit.calibration import calibrate
from sim.fit.targets import CalibrationFile
from sim.run.national import aggregate
from sim.run.runner import run_replication
from tests.helpers import ROOT
from tests.helpers import euregio_raw as _raw


def _recovery_file(kpis: dict[str, float]) -> CalibrationFile:
    return CalibrationFile.model_validate({
        "defaults": {"tolerance": 0.04, "base": "uncalibrated.yaml", "region": "euregio", "days": 7, "seed": 7,
                     "converged_share_of_tolerance": 0.5, "jacobian_step": 0.05},
        "targets": {
            "hap": {"kpi": "hap_contacts_per_day",
                    "value": kpis["hap_contacts_per_day"] * 365 / kpis["population"] * 1000,
                    "unit": "per 1,000", "year": 2024, "scale": "per_1000", "source": "the model at known inputs"},
            "los": {"kpi": "seh_los_mean.home", "value": kpis["seh_los_mean.home"], "unit": "min", "year": 2024,
                    "scale": "mean", "source": "the model at known inputs"},
        },
        "parameters": {
            "hap_call_rate": {"kind": "value", "keys": ["streams.hap_call.rate_per_1000_per_year"],
                              "bounds": [150, 300], "note": "test"},
            "los_home": {"kind": "scale", "keys": ["care.seh.los_home.mean"], "bounds": [0.7, 1.3], "note": "test"},
        },
    })


@pytest.fixture(scope="module")
def recovery():
    raw = _raw()
    truth = copy.deepcopy(raw)
    truth["streams"]["hap_call"]["rate_per_1000_per_year"]["value"] *= 1.12
    truth["care"]["seh"]["los_home"]["mean"] *= 0.9
    cal = _recovery_file(run_replication(Scenario.model_validate(truth), 0))
    runs = [calibrate(cal, {"euregio": raw}, "test", 1, 1, aggregate, 20)[0] for _ in range(2)]
    return raw, truth, runs


def test_calibration_recovers_known_inputs(recovery):
    raw, truth, (first, _) = recovery
    assert first.converged
    assert first.values["hap_call_rate"] == pytest.approx(
        truth["streams"]["hap_call"]["rate_per_1000_per_year"]["value"], rel=0.03)
    assert first.values["los_home"] == pytest.approx(0.9, rel=0.03)


@pytest.mark.reproducibility
def test_calibration_is_reproducible(recovery):
    _, _, (first, second) = recovery
    assert first.values == second.values and first.evaluations == second.evaluations


def test_calibrate_refuses_a_sourced_key(tmp_path, capsys):
    data = yaml.safe_load((ROOT / "calibration" / "targets.yaml").read_text(encoding="utf-8"))
    data["parameters"]["hap_home_visit"]["keys"] = ["routing.hap_triage.U2", "routing.hap_triage.U1"]
    path = tmp_path / "targets.yaml"
    path.write_text(yaml.safe_dump(data, sort_keys=False), encoding="utf-8")
    out = tmp_path / "overlay.yaml"
    code = main(["calibrate", "--file", str(path), "--region", "noord", "--out", str(out), "--max-evaluations", "1"])
    err = capsys.readouterr().err.strip().splitlines()
    assert code == 2 and not out.exists()
    assert err[-1].startswith(f"error: {path}: key parameters.hap_home_visit.keys: 'routing.hap_triage.U1' "
                              f"is a sourced figure"), err


def test_warm_start_begins_at_the_earlier_fit(recovery):
    """A run started from an earlier fit evaluates that point first and needs fewer evaluations."""
    raw, truth, (first, _) = recovery
    cal = _recovery_file(run_replication(Scenario.model_validate(truth), 0))
    warm, problem = calibrate(cal, {"euregio": raw}, "test", 1, 1, aggregate, 20, start=first.values)
    assert problem.theta(problem.evaluations[0].x) == pytest.approx(list(first.values.values()), rel=1e-9)
    assert warm.converged and warm.evaluations < first.evaluations
