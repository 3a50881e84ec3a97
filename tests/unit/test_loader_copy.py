"""Copies of parsed YAML in the scenario loader (sim/config/loader.py ``_fresh``).

Test plan: every shipped scenario resolves to the same mapping as with ``copy.deepcopy``
(types included); a copy shares no mapping or list with its original (changing one leaves
the other alone); a self-referring structure (an alias inside its own anchor) is copied as
``deepcopy`` copies it.
"""

from __future__ import annotations

import copy
from pathlib import Path

import pytest
import yaml

from sim import paths
from sim.config import loader


def _typed(x):
    """The value with the type of every node, so 1 and 1.0 or True and 1 differ."""
    if isinstance(x, dict):
        return {k: _typed(v) for k, v in x.items()}
    if isinstance(x, list):
        return [_typed(v) for v in x]
    return (type(x).__name__, x)


@pytest.mark.parametrize("name", sorted(p.name for p in (paths.scenarios_dir() / "noord").glob("*.yaml")))
def test_resolved_scenarios_equal_those_with_deepcopy(name, monkeypatch):
    path = paths.scenarios_dir() / "noord" / name
    loader._PARSED.clear()
    fast = loader.resolve(path).data
    loader._PARSED.clear()
    monkeypatch.setattr(loader, "_fresh", copy.deepcopy)
    slow = loader.resolve(path).data
    assert _typed(fast) == _typed(slow)


def test_copy_shares_no_mapping_or_list():
    data = yaml.safe_load("a: {b: [1, {c: 2}], d: 2024-01-01}\ne: [x, [y]]\n")
    copied = loader._fresh(data)
    assert copied == data
    copied["a"]["b"][1]["c"] = 3
    copied["e"][1].append("z")
    assert data == yaml.safe_load("a: {b: [1, {c: 2}], d: 2024-01-01}\ne: [x, [y]]\n")


def test_self_referring_structure_is_copied_as_deepcopy_does():
    data = yaml.load("a: &x [1, *x]\n", Loader=yaml.SafeLoader)
    copied = loader._fresh(data)
    assert copied["a"][0] == 1 and copied["a"][1] is copied["a"]
    assert copied["a"] is not data["a"]


def test_read_yaml_hands_out_fresh_copies(tmp_path: Path):
    f = tmp_path / "s.yaml"
    f.write_text("a: {b: [1, 2]}\n", encoding="utf-8")
    first = loader.read_yaml(f)
    first["a"]["b"].append(3)
    assert loader.read_yaml(f) == {"a": {"b": [1, 2]}}


class _Uncached(loader._Loader):
    """The reference: the safe loader's own tag resolution and construction, nothing remembered."""

    resolve = loader._YAML_BASE.resolve
    construct_object = loader._YAML_BASE.construct_object


_ROOT = paths.scenarios_dir().parent
_YAML_FILES = sorted(str(p.relative_to(_ROOT)) for d in ("scenarios", "calibration")
                     for p in (_ROOT / d).rglob("*.yaml"))


@pytest.mark.parametrize("name", _YAML_FILES)
def test_remembered_scalars_parse_as_the_safe_loader(name):
    """Every shipped YAML file, parsed cold and again warm, equals the uncached parse (types included)."""
    text = (_ROOT / name).read_text(encoding="utf-8")
    reference = _typed(yaml.load(text, Loader=_Uncached))
    assert _typed(yaml.load(text, Loader=loader._Loader)) == reference
    assert _typed(yaml.load(text, Loader=loader._Loader)) == reference


def test_remembered_scalars_keep_yaml_types():
    """The same text under another tag, or quoted, keeps its own type; timestamps and odd numbers too."""
    text = ("a: [1, '1', 1.0, 0x10, 0o7, 1_000, .inf, yes, 'yes', ~, null, '', 2024-01-01, 2024-02-30, !!str 5]\n"
            "b: {1: x, '1': y, 2.5: z, off: w}\n")
    for _ in range(2):
        assert _typed(yaml.load(text, Loader=loader._Loader)) == _typed(yaml.load(text, Loader=_Uncached))
