"""File-system trouble gives one line, never a traceback; corrupt stored replications are rerun.

Test plan (deterministic cases through the command line): an output folder that cannot be
made (its parent is a file) and a full disk (``Path.write_text`` raising ENOSPC, simulated by
monkeypatch) end ``run`` with exactly one ``error:`` line naming the path and exit 1 (an
environment problem); an experiment whose stored replication was emptied to 0 bytes (a
crash or a full disk while writing) says so in one note, reruns it and ends with
byte-identical results to the uninterrupted run.
"""

from __future__ import annotations

import errno
from pathlib import Path

from sim.cli.main import main
from tests.helpers import NOORD, small_experiment


def _errors(err: str) -> list[str]:
    assert "Traceback" not in err, err
    return [line for line in err.splitlines() if line.startswith("error:")]


def test_output_folder_that_cannot_be_made(tmp_path, capsys):
    blocker = tmp_path / "file"
    blocker.write_text("x", encoding="utf-8")
    code = main(["run", str(_short(tmp_path, NOORD)), "-n", "1", "--days", "1", "--workers", "1",
                 "--out", str(blocker / "out")])
    errors = _errors(capsys.readouterr().err)
    assert code == 1 and len(errors) == 1 and str(blocker) in errors[0], errors


def test_full_disk(tmp_path, capsys, monkeypatch):
    def full(self, *args, **kwargs):
        raise OSError(errno.ENOSPC, "No space left on device", str(self))

    monkeypatch.setattr(Path, "write_text", full)
    code = main(["run", str(NOORD), "-n", "1", "--days", "1", "--workers", "1", "--out", str(tmp_path / "out")])
    errors = _errors(capsys.readouterr().err)
    assert code == 1 and len(errors) == 1 and "No space left on device" in errors[0], errors


def test_empty_stored_replication_is_reported_and_rerun(tmp_path, capsys):
    exp = small_experiment(tmp_path, reps=1, days=1)
    out = tmp_path / "out"
    assert main(["experiment", str(exp), "--workers", "1", "--out", str(out)]) == 0
    first = (out / "summary.csv").read_bytes()
    stored = sorted((out / "replications").glob("*/rep*.json"))
    stored[0].write_bytes(b"")
    stored[1].write_text('{"replication": 0, "kp', encoding="utf-8")
    capsys.readouterr()
    assert main(["experiment", str(exp), "--workers", "1", "--out", str(out)]) == 0
    err = capsys.readouterr().err
    assert "Traceback" not in err
    notes = [line for line in err.splitlines() if line.startswith("note:")]
    assert len(notes) == 1 and "2 stored replication(s)" in notes[0], err
    assert (out / "summary.csv").read_bytes() == first


def _short(tmp_path: Path, base: Path) -> Path:
    path = tmp_path / f"short_{base.stem}.yaml"
    path.write_text(f"extends: {base}\nrun: {{warmup_days: 0}}\n", encoding="utf-8")
    return path


def test_output_folders_are_never_mixed(tmp_path, capsys):
    """A manifest per folder: another command or other inputs are refused, --overwrite starts anew."""
    noord, zcc = _short(tmp_path, NOORD), _short(tmp_path, NOORD.parent / "zcc.yaml")
    out = tmp_path / "cmp"
    short = ["-n", "1", "--days", "1", "--workers", "1", "--out", str(out)]
    assert main(["compare", str(noord), str(zcc), *short]) == 0
    capsys.readouterr()
    assert main(["run", str(noord), *short]) == 2
    errors = _errors(capsys.readouterr().err)
    assert len(errors) == 1 and "acutesim compare" in errors[0] and "--overwrite" in errors[0], errors
    assert main(["compare", str(noord), str(zcc), *short, "--seed", "5"]) == 2
    assert "other inputs" in _errors(capsys.readouterr().err)[0]
    assert main(["run", str(noord), *short, "--overwrite"]) == 0
    assert not (out / "comparison.csv").exists() and (out / "summary.csv").exists()
    assert main(["run", str(noord), *short]) == 0  # the same command again: continues in its folder
    capsys.readouterr()
    stranger = tmp_path / "stranger"
    stranger.mkdir()
    (stranger / "notes.txt").write_text("mine", encoding="utf-8")
    assert main(["run", str(noord), "-n", "1", "--days", "1", "--out", str(stranger)]) == 2
    assert "not an acutesim results folder" in _errors(capsys.readouterr().err)[0]
    exp = small_experiment(tmp_path, reps=1, days=1)
    assert main(["experiment", str(exp), "--workers", "1", "--out", str(tmp_path / "exp")]) == 0
    capsys.readouterr()
    assert main(["report", str(tmp_path / "exp")]) == 2
    assert "acutesim experiment" in _errors(capsys.readouterr().err)[0]
    (tmp_path / "exp" / "manifest.json").unlink()  # an experiment folder of an earlier version continues
    assert main(["experiment", str(exp), "--workers", "1", "--out", str(tmp_path / "exp")]) == 0
