"""Write the tables of bench/results/*.json into bench/README.md (between the RESULTS markers).

1. A summary per database: each endpoint's p95 at every size measured, the ratio of the p95 at
   the largest size to the p95 at 10,000 reports, and the targets of issue #7 next to them
   (PostgreSQL, 1M reports, 20 clients: reads p95 < 150 ms, dashboard p95 < 300 ms, API create
   ≥ 100 reports/s, p95 at 1M ≤ 1.5 × p95 at 10k), with whether each is met; and, when a size
   above 1M was measured (issue 18, `make bench-national`), its ratio to 1M (≤ 1.3) and whether
   the targets are met there.
2. Every run in full (p50/p95/p99, throughput, ratio to the floor, errors).
"""

import json
from pathlib import Path

HERE = Path(__file__).resolve().parent
START, END = "<!-- RESULTS:START -->", "<!-- RESULTS:END -->"
BASE = 10_000
GROWTH = 1.5
# Issue 18: ten years of national volume against one (p95 at 10M ≤ 1.3 × p95 at 1M).
NATIONAL = 1_000_000
NATIONAL_GROWTH = 1.3
# endpoint → (what is measured, limit): "p95" below the limit in ms, or "rps" at least the limit.
TARGETS = {
    "supervisor dashboard": ("p95", 300),
    "API create": ("rps", 100),
    "open311 POST requests": (None, None),
    "floor (trivial view)": (None, None),
}
READ_TARGET = ("p95", 150)


def runs() -> list[dict]:
    found = []
    for path in sorted((HERE / "results").glob("*.json")):
        run = json.loads(path.read_text())
        database, _, size = run["label"].rpartition("-")
        run["database"], run["size"] = (
            database or run.get("database", "?"),
            int(size) if size.isdigit() else None,
        )
        found.append(run)
    return found


def target_text(name: str) -> str:
    kind, limit = TARGETS.get(name, READ_TARGET)
    if kind == "p95":
        return f"p95 < {limit} ms"
    if kind == "rps":
        return f"≥ {limit} req/s"
    return "–"


def met(name: str, row: dict | None, ratio: float | None, growth: float = GROWTH) -> str:
    kind, limit = TARGETS.get(name, READ_TARGET)
    if kind is None or row is None or "p95_ms" not in row:
        return "–"
    ok = row["p95_ms"] < limit if kind == "p95" else row.get("rps", 0) >= limit
    if kind == "p95" and ratio is not None:
        ok = ok and ratio <= growth
    return "yes" if ok else "**no**"


def p95_ratio(top: dict, base: dict) -> float | None:
    if base.get("p95_ms") and top.get("p95_ms"):
        return round(top["p95_ms"] / base["p95_ms"], 2)
    return None


def summary(database: str, by_size: dict[int, dict]) -> list[str]:
    """p95 at every size; the ratio to 10,000 at the largest size up to 1M (issue #7) and, when
    a larger national-scale size was measured, its ratio to 1M (issue 18, ≤ 1.3)."""
    sizes = sorted(by_size)
    small = [s for s in sizes if s <= NATIONAL] or sizes
    large = sizes[-1] if sizes[-1] > NATIONAL and NATIONAL in by_size else None
    mid = small[-1]
    head = (
        "| endpoint | target | "
        + " | ".join(f"p95 ms at {s:,}" for s in sizes)
        + f" | p95 {mid:,} / {BASE:,} (≤ {GROWTH}) | req/s at {mid:,} | met at {mid:,} |"
    )
    rule = "|---|---|" + "---:|" * len(sizes) + "---:|---:|---|"
    if large:
        head += f" p95 {large:,} / {NATIONAL:,} (≤ {NATIONAL_GROWTH}) | req/s at {large:,} "
        head += f"| met at {large:,} |"
        rule += "---:|---:|---|"
    rows = [f"**{database}**", "", head, rule]
    names = list(dict.fromkeys(n for s in sizes for n in by_size[s]["endpoints"]))
    for name in names:
        cells = [by_size[s]["endpoints"].get(name, {}) for s in sizes]
        base = by_size.get(BASE, {}).get("endpoints", {}).get(name, {})
        top = by_size[mid]["endpoints"].get(name, {})
        ratio = p95_ratio(top, base) if mid != BASE else None
        row = (
            f"| {name} | {target_text(name)} | "
            + " | ".join(str(c.get("p95_ms", "–")) for c in cells)
            + f" | {ratio if ratio is not None else '–'} | {top.get('rps', '–')} "
            f"| {met(name, top, ratio)} |"
        )
        if large:
            big = by_size[large]["endpoints"].get(name, {})
            national = p95_ratio(big, top)
            row += (
                f" {national if national is not None else '–'} | {big.get('rps', '–')} "
                f"| {met(name, big, national, NATIONAL_GROWTH)} |"
            )
        rows.append(row)
    return rows


def table() -> str:
    found = runs()
    out = []
    for database in sorted({r["database"] for r in found}, key=lambda d: d != "postgres"):
        by_size = {r["size"]: r for r in found if r["database"] == database and r["size"]}
        if by_size:
            out += [*summary(database, by_size), ""]
    out += [
        "All runs:",
        "",
        "| run | reports | endpoint | p50 ms | p95 ms | p99 ms | req/s | ratio to floor | errors |",
        "|---|---:|---|---:|---:|---:|---:|---:|---:|",
    ]
    for run in found:
        for name, r in run["endpoints"].items():
            out.append(
                f"| {run['label']} | {run['reports']:,} | {name} | {r.get('p50_ms', '–')} | "
                f"{r.get('p95_ms', '–')} | {r.get('p99_ms', '–')} | {r.get('rps', '–')} | "
                f"{r.get('ratio_to_floor') or '–'} | {r.get('errors', 0)} |"
            )
    return "\n".join(out)


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
