"""Write the table of bench/results/*.json into bench/README.md (between the RESULTS markers)."""

import json
from pathlib import Path

HERE = Path(__file__).resolve().parent
START, END = "<!-- RESULTS:START -->", "<!-- RESULTS:END -->"


def table() -> str:
    rows = ["| run | reports | endpoint | p50 ms | p95 ms | p99 ms | req/s | ratio to floor | errors |",
            "|---|---:|---|---:|---:|---:|---:|---:|---:|"]
    for path in sorted((HERE / "results").glob("*.json")):
        run = json.loads(path.read_text())
        for name, r in run["endpoints"].items():
            rows.append(f"| {run['label']} | {run['reports']:,} | {name} | {r.get('p50_ms', '–')} | "
                        f"{r.get('p95_ms', '–')} | {r.get('p99_ms', '–')} | {r.get('rps', '–')} | "
                        f"{r.get('ratio_to_floor') or '–'} | {r.get('errors', 0)} |")
    return "\n".join(rows)


def main():
    readme = HERE / "README.md"
    text = readme.read_text() if readme.exists() else f"# Benchmarks\n\n{START}\n{END}\n"
    if START not in text:
        text += f"\n## Load\n\n{START}\n{END}\n"
    head, rest = text.split(START, 1)
    _, tail = rest.split(END, 1)
    readme.write_text(f"{head}{START}\n{table()}\n{END}{tail}")
    print(table())


if __name__ == "__main__":
    main()
