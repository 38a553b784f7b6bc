"""Write requirements.lock from pip's installation report (`make lock`).

pip resolves requirements-dev.txt (the runtime set and the development tools) without installing
anything (`pip install --dry-run --ignore-installed --report`); this turns the report into one
pinned line per package with the sha256 of the file pip chose, for `pip install --require-hashes`.
The lock is made on and for this project's machines (Linux x86-64, CPython 3.11)."""

import json
import sys


def main(report_path: str) -> None:
    with open(report_path) as f:
        report = json.load(f)
    lines = [
        "# Every package of requirements-dev.txt and their dependencies, with the sha256 of each",
        "# file: made by `make lock` (scripts/lock_requirements.py), "
        "installed by `make install-dev`.",
        "# Change a pin in requirements*.txt, then run `make lock` "
        "(tests/test_requirements_lock.py).",
    ]
    for item in sorted(report["install"], key=lambda i: i["metadata"]["name"].lower()):
        name, version = item["metadata"]["name"], item["metadata"]["version"]
        sha256 = item["download_info"]["archive_info"]["hashes"]["sha256"]
        lines.append(f"{name}=={version} \\\n    --hash=sha256:{sha256}")
    sys.stdout.write("\n".join(lines) + "\n")


if __name__ == "__main__":
    main(sys.argv[1])
