"""The locks (made by `make lock`, installed with hashes by `make install [EXTRAS=s3]` and
`make install-dev`) pin what requirements*.txt pin: a pin changed without new locks fails here.

Each lock holds what its layer adds to the one below (scripts/lock_requirements.py), so a set is
checked against its lock and the locks below it."""

import re
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
PIN = re.compile(r"^([A-Za-z0-9_.-]+)(?:\[[^\]]*\])?==([^\s;#]+)", re.M)
ENTRY = re.compile(r"^[A-Za-z0-9_.-]+==\S+ \\\n    --hash=sha256:[0-9a-f]{64}$", re.M)
# (lock, the requirement files of its layer), from the bottom layer up.
LAYERS = [
    ("requirements.lock", ["requirements.txt"]),
    ("requirements-s3.lock", ["requirements-s3.txt"]),
    ("requirements-dev.lock", ["requirements-dev.txt"]),
]


def _name(name: str) -> str:
    return re.sub(r"[-_.]+", "-", name).lower()


def _pins(path: Path) -> dict[str, str]:
    return {_name(name): version for name, version in PIN.findall(path.read_text())}


def test_each_lock_pins_its_layer_at_its_versions_with_a_hash():
    locked: dict[str, str] = {}  # the locks up to this layer
    for lock, inputs in LAYERS:
        layer = _pins(ROOT / lock)
        assert len(ENTRY.findall((ROOT / lock).read_text())) == len(layer), lock
        assert not layer.keys() & locked.keys(), f"{lock} repeats a package of a lock below"
        locked |= layer
        wanted: dict[str, str] = {}
        for name in inputs:
            wanted |= _pins(ROOT / name)
        stale = {n: (v, locked.get(n)) for n, v in wanted.items() if locked.get(n) != v}
        assert not stale, f"run `make lock`: {stale}"


def test_the_runtime_lock_has_neither_the_s3_extra_nor_the_test_clock():
    runtime = _pins(ROOT / "requirements.lock")
    assert "time-machine" not in runtime  # only the tests use it (the demo: aduan/demo/clock.py)
    extra = _pins(ROOT / "requirements-s3.txt")
    assert extra and not extra.keys() & runtime.keys()
    assert "botocore" not in runtime
