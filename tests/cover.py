"""The cross products of the slow proofs, and the part of each that the everyday loop keeps.

"Every hostile file on every upload surface" is a product of tens of cases; in `make quick` each
row (a file) is sent to one column (a surface), the columns taken in turn, so that every row and
every column is still checked there; the whole product runs in `make test` (marked slow)."""

from collections.abc import Callable, Iterable

import pytest


def every_pair(
    rows: Iterable[str],
    columns: Iterable[str],
    *,
    allowed: Callable[[str, str], bool] = lambda row, column: True,
) -> list:
    """`pytest.param(row, column)` for each allowed pair, id "row-column": the pairs of the
    everyday loop unmarked, the rest marked slow."""
    rows, columns = list(rows), list(columns)
    quick: set[tuple[str, str]] = set()
    for i, row in enumerate(rows):
        turn = columns[i % len(columns) :] + columns[: i % len(columns)]
        quick |= {next(((row, c) for c in turn if allowed(row, c)), None)} - {None}
    for column in columns:  # a column no row reached in turn gets its first allowed row
        if not any(c == column for _r, c in quick):
            quick |= {next(((r, column) for r in rows if allowed(r, column)), None)} - {None}
    return [
        pytest.param(
            row,
            column,
            marks=() if (row, column) in quick else pytest.mark.slow,
            id=f"{row}-{column}",
        )
        for row in rows
        for column in columns
        if allowed(row, column)
    ]
