"""Rule 5's upper bounds: each count against the nearest known denominator up the unit tree.

Most communes have no public population and many agencies no staff or
family totals, so a unit's own denominator is often unknown. Then the
nearest ancestor with a known one bounds the count (a commune of Thành phố
Ngã Bảy cannot have more installs than the city has people). Staff and
family counts with no total anywhere above fall back to the nearest known
population. A read: at
most one query, none when the unit knows all its own denominators.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from units.models import Unit

# The count field → the Unit field that bounds it.
DENOMINATOR_FIELDS = {
    "residents_installed": "population",
    "staff_installed": "staff_total",
    "family_installed": "family_total",
}
_LOADED = ("pk", "code", "name", "path", *DENOMINATOR_FIELDS.values())


@dataclass(frozen=True)
class Bound:
    """A count's upper bound and the unit it comes from (the unit itself or an ancestor)."""

    value: int
    unit_code: str
    unit_name: str
    denominator: str  # "population", "staff_total" or "family_total"


def _ancestor_codes(unit: Unit) -> list[str]:
    """Codes above `unit`, nearest first, from its materialised path ("93/930/31318/")."""
    codes = [code for code in unit.path.split("/") if code]
    return list(reversed(codes[:-1])) if codes and codes[-1] == unit.code else list(reversed(codes))


def _nearest(chain: list[Unit], denominator: str) -> Bound | None:
    for unit in chain:
        value = getattr(unit, denominator)
        if value is not None:
            return Bound(value=value, unit_code=unit.code, unit_name=unit.name, denominator=denominator)
    return None


def _bounds_from(chain: list[Unit]) -> dict[str, Bound]:
    bounds = {}
    for field, denominator in DENOMINATOR_FIELDS.items():
        # Staff and family with no total known anywhere above are still people of the territory: no
        # agency or commune has more of them than its province has people.
        bound = _nearest(chain, denominator) or _nearest(chain, "population")
        if bound is not None:
            bounds[field] = bound
    return bounds


def _needs_ancestors(unit: Unit) -> bool:
    return any(getattr(unit, name) is None for name in DENOMINATOR_FIELDS.values())


def unit_bounds(*, unit: Unit) -> dict[str, Bound]:
    """Each count field's bound for `unit`; a field with no known denominator anywhere above has none."""
    return unit_bounds_many(units=[unit])[unit.pk]


def unit_bounds_many(*, units: Iterable[Unit]) -> dict[int, dict[str, Bound]]:
    """unit_bounds for many units (the Excel import) in one query."""
    units = list(units)
    wanted = {code for unit in units if _needs_ancestors(unit) for code in _ancestor_codes(unit)}
    ancestors = {u.code: u for u in Unit.objects.filter(code__in=wanted).only(*_LOADED)} if wanted else {}
    result = {}
    for unit in units:
        chain = [unit]
        if _needs_ancestors(unit):
            chain += [ancestors[code] for code in _ancestor_codes(unit) if code in ancestors]
        result[unit.pk] = _bounds_from(chain)
    return result
