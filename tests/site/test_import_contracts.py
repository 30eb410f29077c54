"""The import contracts in pyproject.toml bite: one forbidden import in a copy of the code fails."""

import os
import shutil
import subprocess
import sys
import tomllib
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
CONFIG = tomllib.loads((ROOT / "pyproject.toml").read_text())["tool"]["importlinter"]
CONTRACTS = {contract["id"]: contract["name"] for contract in CONFIG["contracts"]}


@pytest.fixture
def project_copy(tmp_path):
    """Our packages and pyproject.toml, copied where they can be broken."""
    for package in CONFIG["root_packages"]:
        shutil.copytree(
            ROOT / package, tmp_path / package, ignore=shutil.ignore_patterns("__pycache__")
        )
    shutil.copy(ROOT / "pyproject.toml", tmp_path)
    return tmp_path


def lint_imports(where):
    return subprocess.run(  # noqa: S603 - our own tool, on our own copy
        [Path(sys.executable).parent / "lint-imports", "--no-cache", "--no-logo"],
        cwd=where,
        env=os.environ | {"PYTHONPATH": str(where)},
        capture_output=True,
        text=True,
        check=False,
    )


def test_the_unchanged_code_keeps_every_contract(project_copy):
    result = lint_imports(project_copy)
    assert result.returncode == 0, result.stdout + result.stderr
    for name in CONTRACTS.values():
        assert f"{name} KEPT" in result.stdout


@pytest.mark.parametrize(
    ("module", "line", "contract"),
    [
        ("articles/models.py", "import desk.admin", "layers"),
        ("photos/storage.py", "from articles import models", "layers"),
        ("republication/copy.py", "import pagecache", "pagecache"),
        ("newsroom/urls.py", "from reader import views", "screens"),
        ("reader/views.py", "from newsroom import views", "newsroom"),
        ("newsroom/lib/urls.py", "from articles.models import Article", "lib"),
    ],
)
def test_one_forbidden_import_breaks_its_contract(project_copy, module, line, contract):
    with (project_copy / module).open("a") as source:
        source.write(f"\n{line}  # the forbidden import\n")
    result = lint_imports(project_copy)
    assert result.returncode != 0
    assert f"{CONTRACTS[contract]} BROKEN" in result.stdout, result.stdout
    assert module.removesuffix(".py").replace("/", ".") in result.stdout
