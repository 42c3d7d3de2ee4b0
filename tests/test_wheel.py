"""The built wheel carries ontology, shapes and templates, and works outside the checkout."""

from __future__ import annotations

import shutil
import site
import subprocess
import sys
import sysconfig
from pathlib import Path

import pytest

from conftest import EXAMPLE, ROOT


@pytest.mark.slow
def test_installed_wheel_validates_the_example_outside_the_checkout(tmp_path: Path) -> None:
    """A fresh virtual environment with only the wheel installed validates the example case."""
    dist = tmp_path / "dist"
    subprocess.run(
        [
            sys.executable,
            "-m",
            "pip",
            "wheel",
            "--no-deps",
            "--no-build-isolation",
            "-q",
            "-w",
            str(dist),
            str(ROOT),
        ],
        check=True,
    )
    wheels = list(dist.glob("claim_ledger-*.whl"))
    assert len(wheels) == 1
    venv = tmp_path / "venv"
    subprocess.run([sys.executable, "-m", "venv", str(venv)], check=True)
    python = venv / "bin" / "python"
    subprocess.run(
        [str(python), "-m", "pip", "install", "-q", "--no-deps", "--no-index", str(wheels[0])],
        check=True,
    )
    # The dependencies come from this test's own environment, offline; the wheel's own
    # site-packages stays first on the path, so `ledger` is imported from the wheel.
    purelib = subprocess.run(
        [str(python), "-c", "import sysconfig; print(sysconfig.get_paths()['purelib'])"],
        check=True,
        capture_output=True,
        text=True,
    ).stdout.strip()
    deps = [sysconfig.get_paths()["purelib"], *site.getsitepackages()]
    (Path(purelib) / "zz_test_dependencies.pth").write_text("\n".join(deps) + "\n")

    case = tmp_path / "elsewhere" / "aleppo-2016-11"
    shutil.copytree(EXAMPLE, case)
    where = subprocess.run(
        [
            str(python),
            "-c",
            "import ledger, ledger.resources as r; print(ledger.__file__); print(r.shapes_dir())",
        ],
        check=True,
        capture_output=True,
        text=True,
        cwd=tmp_path,
    ).stdout
    assert str(venv) in where and str(ROOT) not in where, where
    result = subprocess.run(
        [str(venv / "bin" / "claim-ledger"), "validate", str(case)],
        capture_output=True,
        text=True,
        cwd=tmp_path / "elsewhere",
    )
    assert result.returncode == 0, result.stdout + result.stderr
    assert "conforms" in result.stdout.splitlines()[-1]
