"""docs/model.md: the STRESS-DES model description and its generated sections.

Test plan (the code itself, which the generated text must equal; the STRESS-DES checklist, Monks et
al. 2019): every STRESS-DES item has its heading; every generated section is present and what
`acutesim docs` writes now (so the description cannot drift from the code); the marker filler
touches only the marked bodies and is idempotent; `acutesim docs --check` fails on a stale file and
`acutesim docs` repairs it; the hand-written parts name every outcome and demand stream of the code,
and the two Mermaid flow diagrams are there; the README points at both documents.
"""

from __future__ import annotations

import re
import shutil

import pytest

from sim.chain.patient import OUTCOMES
from sim.cli import docs
from sim.cli.main import main
from sim.config.constants import STREAMS
from tests.helpers import ROOT

MODEL = ROOT / "docs" / "model.md"

# Monks et al. (2019), STRESS-DES checklist items 1.1-6.1.
STRESS_DES = [
    "1. Objectives", "1.1 Purpose of the model", "1.2 Model outputs", "1.3 Experimentation aims",
    "2. Logic", "2.1 Base model overview diagram", "2.2 Base model logic", "2.3 Scenario logic",
    "2.4 Algorithms", "2.5 Components", "2.5.1 Entities", "2.5.2 Activities", "2.5.3 Resources",
    "2.5.4 Queues", "2.5.5 Entry and exit points",
    "3. Data", "3.1 Data sources", "3.2 Pre-processing", "3.3 Input parameters", "3.4 Assumptions",
    "4. Experimentation", "4.1 Initialisation", "4.2 Run length", "4.3 Estimation approach",
    "5. Implementation", "5.1 Software or programming language", "5.2 Random sampling",
    "5.3 Model execution", "5.4 System specification",
    "6. Code access",
]


@pytest.fixture(scope="module")
def text() -> str:
    return MODEL.read_text(encoding="utf-8")


def test_every_stress_des_item_has_its_heading_in_order(text):
    headings = [m.group(1).strip() for m in re.finditer(r"^#{2,4} (.+)$", text, flags=re.M)]
    positions = []
    for item in STRESS_DES:
        assert item in headings, f"missing STRESS-DES heading '{item}'"
        positions.append(headings.index(item))
    assert positions == sorted(positions)


def test_every_generated_section_is_present_and_up_to_date(text):
    assert sorted(docs.marked_sections(text)) == sorted(docs.SECTIONS)
    expected = docs.expected(ROOT)
    assert expected[MODEL] == text, "docs/model.md is stale: run `acutesim docs`"


def test_fill_replaces_only_marked_bodies_and_is_idempotent():
    src = ("intro\n<!-- generated:a -->\nold\n<!-- /generated:a -->\nmiddle\n"
           "<!-- generated:b -->\n<!-- /generated:b -->\nend\n")
    once = docs.fill(src, {"a": "new A\n", "b": "new B"})
    assert once == ("intro\n<!-- generated:a -->\nnew A\n<!-- /generated:a -->\nmiddle\n"
                    "<!-- generated:b -->\nnew B\n<!-- /generated:b -->\nend\n")
    assert docs.fill(once, {"a": "new A\n", "b": "new B"}) == once
    assert docs.fill(src, {}) == src


def test_check_fails_on_a_stale_file_and_docs_repairs_it(tmp_path, monkeypatch):
    (tmp_path / "docs").mkdir()
    (tmp_path / "scenarios").symlink_to(ROOT / "scenarios")
    shutil.copy(ROOT / "pyproject.toml", tmp_path / "pyproject.toml")
    shutil.copy(ROOT / "docs" / "parameters.md", tmp_path / "docs" / "parameters.md")
    stale = "# x\n<!-- generated:software -->\nsimpy 0.1\n<!-- /generated:software -->\n"
    (tmp_path / "docs" / "model.md").write_text(stale, encoding="utf-8")
    monkeypatch.setattr(docs, "SECTIONS", {"software": docs.software_section})
    assert main(["--root", str(tmp_path), "docs", "--check"]) == 1
    assert (tmp_path / "docs" / "model.md").read_text(encoding="utf-8") == stale
    assert main(["--root", str(tmp_path), "docs"]) == 0
    fixed = (tmp_path / "docs" / "model.md").read_text(encoding="utf-8")
    assert "`simpy` | >=" in fixed and "simpy 0.1" not in fixed
    assert main(["--root", str(tmp_path), "docs", "--check"]) == 0


def _prose(text: str) -> str:
    return re.sub(r"<!-- generated:(\w+) -->.*?<!-- /generated:\1 -->", "", text, flags=re.S)


def test_prose_names_every_outcome_and_stream_and_has_both_flow_diagrams(text):
    prose = _prose(text)
    for outcome in OUTCOMES:
        assert f"`{outcome}`" in prose, outcome
    generated_streams = text[text.index("<!-- generated:streams -->"):text.index("<!-- /generated:streams -->")]
    for stream in STREAMS:
        assert f"`{stream}`" in generated_streams
    assert len(re.findall(r"```mermaid\nflowchart", text)) == 2


def test_readme_points_at_the_documentation():
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    assert "docs/model.md" in readme and "docs/parameters.md" in readme and "acutesim docs" in readme
