"""Write the locks from pip's resolution (`make lock`).

Three sets, each a layer on the one below; each lock pins what its layer adds, every package with
the sha256 of the file pip chose, for `pip install --require-hashes`:

    requirements.lock      requirements.txt        the runtime set  make install
    requirements-s3.lock   + requirements-s3.txt   the s3 extra     make install EXTRAS=s3
    requirements-dev.lock  + requirements-dev.txt  tests and tools  make install-dev

1. pip resolves the whole development set (requirements-dev.txt names the other two files)
   without installing anything (`pip install --dry-run --ignore-installed --report`).
2. pip resolves each smaller set again, constrained to the versions of step 1, so that a package
   has one version whichever layers are installed.
3. Each lock is its set's resolution minus the set of the layer below.

The locks are made on and for this project's machines (Linux x86-64, CPython 3.11)."""

import json
import re
import subprocess
import sys
import tempfile
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


@dataclass(frozen=True)
class Layer:
    lock: str
    inputs: tuple[str, ...]  # the whole set up to this layer
    adds: str
    installed_by: str


LAYERS = (
    Layer(
        "requirements.lock",
        ("requirements.txt",),
        "requirements.txt (the runtime set) and everything it brings",
        "make install",
    ),
    Layer(
        "requirements-s3.lock",
        ("requirements.txt", "requirements-s3.txt"),
        "what requirements-s3.txt (the s3 extra) brings beyond the runtime set",
        "make install EXTRAS=s3",
    ),
    Layer(
        "requirements-dev.lock",
        ("requirements-dev.txt",),
        "what requirements-dev.txt brings beyond the runtime set and the s3 extra",
        "make install-dev",
    ),
)


def resolve(inputs: tuple[str, ...], workdir: Path, constraints: Path | None = None) -> dict:
    """{normalised name: (name, version, sha256)} of every package pip would install for the
    requirement files `inputs`."""
    report = workdir / "report.json"
    command = [sys.executable, "-m", "pip", "install", "--quiet", "--dry-run", "--ignore-installed"]
    command += ["--report", str(report)]
    for name in inputs:
        command += ["-r", str(ROOT / name)]
    if constraints is not None:
        command += ["-c", str(constraints)]
    subprocess.run(command, check=True)
    packages = {}
    for item in json.loads(report.read_text())["install"]:
        name, version = item["metadata"]["name"], item["metadata"]["version"]
        sha256 = item["download_info"]["archive_info"]["hashes"]["sha256"]
        packages[re.sub(r"[-_.]+", "-", name).lower()] = (name, version, sha256)
    return packages


def lock_text(layer: Layer, packages: list[tuple[str, str, str]]) -> str:
    lines = [
        f"# {layer.lock}: {layer.adds},",
        f"# each package with the sha256 of its file; installed by `{layer.installed_by}`.",
        "# Made by `make lock` (scripts/lock_requirements.py) from requirements*.txt: after",
        "# changing a pin, run it again (tests/test_requirements_lock.py fails until then).",
    ]
    for name, version, sha256 in sorted(packages, key=lambda p: p[0].lower()):
        lines.append(f"{name}=={version} \\\n    --hash=sha256:{sha256}")
    return "\n".join(lines) + "\n"


def main() -> None:
    with tempfile.TemporaryDirectory() as tmp:
        workdir = Path(tmp)
        whole = resolve(LAYERS[-1].inputs, workdir)  # 1.
        constraints = workdir / "constraints.txt"
        constraints.write_text(
            "".join(f"{name}=={version}\n" for name, version, _ in whole.values())
        )
        below: dict = {}
        for layer in LAYERS:
            last = layer is LAYERS[-1]
            resolved = whole if last else resolve(layer.inputs, workdir, constraints)  # 2.
            added = [package for key, package in resolved.items() if key not in below]  # 3.
            (ROOT / layer.lock).write_text(lock_text(layer, added))
            print(f"{layer.lock}: {len(added)} packages")
            below |= resolved


if __name__ == "__main__":
    main()
