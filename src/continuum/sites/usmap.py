"""A tile-grid map of the United States (one square per state, as NPR and FiveThirtyEight draw them), laid out
here and drawn server-side as SVG: every state the same size, so a small state with sites is as visible as a
large one, and no shape data to ship. The page shows the same counts as a table beside it."""

from dataclasses import dataclass

from continuum.agencies.geography import STATES_AND_TERRITORIES

# (column, row) of each state's tile; territories on the last row.
GRID = {
    "AK": (0, 0), "ME": (11, 0),
    "VT": (10, 1), "NH": (11, 1),
    "WA": (1, 2), "ID": (2, 2), "MT": (3, 2), "ND": (4, 2), "MN": (5, 2), "IL": (6, 2), "WI": (7, 2),
    "MI": (8, 2), "NY": (9, 2), "RI": (10, 2), "MA": (11, 2),
    "OR": (1, 3), "NV": (2, 3), "WY": (3, 3), "SD": (4, 3), "IA": (5, 3), "IN": (6, 3), "OH": (7, 3),
    "PA": (8, 3), "NJ": (9, 3), "CT": (10, 3),
    "CA": (1, 4), "UT": (2, 4), "CO": (3, 4), "NE": (4, 4), "MO": (5, 4), "KY": (6, 4), "WV": (7, 4),
    "VA": (8, 4), "MD": (9, 4), "DE": (10, 4),
    "AZ": (2, 5), "NM": (3, 5), "KS": (4, 5), "AR": (5, 5), "TN": (6, 5), "NC": (7, 5), "SC": (8, 5),
    "DC": (9, 5),
    "OK": (4, 6), "LA": (5, 6), "MS": (6, 6), "AL": (7, 6), "GA": (8, 6),
    "HI": (0, 7), "TX": (4, 7), "FL": (9, 7),
    "GU": (0, 8), "MP": (1, 8), "AS": (2, 8), "PR": (10, 8), "VI": (11, 8),
}  # fmt: skip
TILE, GAP = 40, 4
NAMES = dict(STATES_AND_TERRITORIES)
# Fill and text colours by count (USWDS blues), each pair above 4.5:1 contrast.
SHADES = (
    (0, "#f0f0f0", "#1b1b1b"),
    (1, "#97d4ea", "#1b1b1b"),
    (2, "#00bde3", "#1b1b1b"),
    (4, "#1a4480", "#ffffff"),
)


@dataclass(frozen=True)
class Tile:
    code: str
    name: str
    count: int
    x: int
    y: int
    fill: str
    ink: str

    @property
    def label(self) -> str:
        return f"{self.name}: {self.count:,} site{'' if self.count == 1 else 's'}"


def _shade(count: int) -> tuple[str, str]:
    fill, ink = SHADES[0][1:]
    for least, colour, text in SHADES:
        if count >= least:
            fill, ink = colour, text
    return fill, ink


def tiles(counts: dict[str, int]) -> list[Tile]:
    """One tile per state and territory, with its count of sites (0 when it has none)."""
    return [
        Tile(code, NAMES[code], counts.get(code, 0), col * (TILE + GAP), row * (TILE + GAP),
             *_shade(counts.get(code, 0)))
        for code, (col, row) in GRID.items()
    ]  # fmt: skip


def size() -> tuple[int, int]:
    cols = max(c for c, _ in GRID.values()) + 1
    rows = max(r for _, r in GRID.values()) + 1
    return cols * (TILE + GAP) - GAP, rows * (TILE + GAP) - GAP


def legend() -> list[tuple[str, str]]:
    """(fill, what it means) for the map's key."""
    labels = ["None", "1", "2 to 3", "4 or more"]
    return [(fill, label) for (_, fill, _), label in zip(SHADES, labels, strict=True)]
