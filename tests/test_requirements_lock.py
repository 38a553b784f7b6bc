"""requirements.lock (made by `make lock`, installed by `make install-dev` with hashes) pins what
requirements.txt and requirements-dev.txt pin: a pin changed without a new lock fails here."""

import re
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
PIN = re.compile(r"^([A-Za-z0-9_.-]+)(?:\[[^\]]*\])?==([^\s;#]+)", re.M)


def _name(name: str) -> str:
    return re.sub(r"[-_.]+", "-", name).lower()


def _pins(path: Path) -> dict[str, str]:
    return {_name(name): version for name, version in PIN.findall(path.read_text())}


def test_the_lock_pins_every_requirement_at_its_version_with_a_hash():
    lock_text = (ROOT / "requirements.lock").read_text()
    locked = _pins(ROOT / "requirements.lock")
    wanted = {**_pins(ROOT / "requirements.txt"), **_pins(ROOT / "requirements-dev.txt")}
    stale = {n: (v, locked.get(n)) for n, v in wanted.items() if locked.get(n) != v}
    assert not stale, f"run `make lock`: {stale}"
    entries = re.findall(
        r"^[A-Za-z0-9_.-]+==\S+ \\\n    --hash=sha256:[0-9a-f]{64}$", lock_text, re.M
    )
    assert len(entries) == len(locked)
