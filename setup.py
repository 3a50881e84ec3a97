"""Build the compiled core: mypyc compiles the modules listed in ``sim/native.py``.

Everything else about the package is in ``pyproject.toml``; this file only adds the optional
extension modules, because setuptools takes ext_modules from ``setup()`` alone. mypyc (shipped with
mypy, a build requirement) turns the type-annotated simulation loop, resources and patient flows
into C: the same source, the same results, about a third of the CPU per patient (benchmarks/).

- ``ACUTESIM_PURE_PYTHON=1 pip install -e .`` builds no compiled core;
- a build that fails (no C compiler, an unsupported Python) is reported and the install goes on
  pure-Python (``Extension.optional``): the package never depends on the compiled core;
- the digest of the compiled sources goes to ``sim/_native_stamp.txt``, so that an edited source is
  never shadowed by a stale compiled module (``sim/native.py``).
"""

from __future__ import annotations

import os
import runpy
from pathlib import Path

from setuptools import setup
from setuptools.command.build_ext import build_ext

HERE = Path(__file__).resolve().parent
NATIVE = runpy.run_path(str(HERE / "sim" / "native.py"), run_name="sim_native_build")


class BuildCompiledCore(build_ext):
    """build_ext that stamps the compiled core with its sources' digest once every module compiled.

    The stamp is removed first and written only after success, so a failed (optional) build never
    leaves an older compiled module looking current.
    """

    def run(self) -> None:
        targets = [HERE / "sim" / NATIVE["STAMP"]]
        if not self.inplace:
            targets.append(Path(self.build_lib) / "sim" / NATIVE["STAMP"])
        for target in targets:
            target.unlink(missing_ok=True)
        if self.inplace:  # compiled modules of an earlier build, dropped from the list since, would shadow their source
            for old in (HERE / "sim").rglob("*.so"):
                old.unlink()
        self._compiled = 0
        super().run()
        if self.extensions and self._compiled == len(self.extensions):
            digest = NATIVE["source_digest"](NATIVE["COMPILED"], HERE)
            for target in targets:
                target.parent.mkdir(parents=True, exist_ok=True)
                target.write_text(digest + "\n")
        elif self.extensions:
            print("acutesim: the compiled core did not build; the pure-Python core is installed")

    def build_extension(self, ext) -> None:  # noqa: ANN001 (setuptools' own signature)
        super().build_extension(ext)
        self._compiled += 1


def compiled_core() -> list:
    """The mypyc extensions, or none when the pure-Python core is asked for or mypyc is missing."""
    if os.environ.get(NATIVE["PURE_ENV"], "") not in ("", "0"):
        # An earlier in-place build's modules would shadow the sources: the pure core leaves none behind.
        (HERE / "sim" / NATIVE["STAMP"]).unlink(missing_ok=True)
        for old in [*(HERE / "sim").rglob("*.so"), *HERE.glob(f"{NATIVE['GROUP']}__mypyc*")]:
            old.unlink()
        return []
    try:
        from mypyc.build import mypycify
    except ImportError:  # a build without the build requirements (--no-build-isolation without mypy)
        print("acutesim: mypyc not found, installing the pure-Python core")
        return []
    paths = [str(NATIVE["source_file"](m, HERE).relative_to(HERE)) for m in NATIVE["COMPILED"]]
    # The type check CI runs is strict about unused "type: ignore"s; the build's environment may lack
    # an optional library's types (simpy without stubs is Any), which must not fail an install.
    options = ["--no-warn-unused-ignores"]
    try:
        extensions = mypycify(options + paths, opt_level="3", group_name=NATIVE["GROUP"])
    except (SystemExit, Exception) as error:  # mypyc exits on a type error: install the pure core instead
        print(f"acutesim: mypyc could not compile the core ({error!r}); installing the pure-Python core")
        return []
    for extension in extensions:
        extension.optional = True  # a failed compile leaves a working pure-Python install
    return extensions


setup(ext_modules=compiled_core(), cmdclass={"build_ext": BuildCompiledCore})
