"""The mutable record every source yields while the index is being built."""

from __future__ import annotations

from dataclasses import dataclass, field


@dataclass
class Entry:
    """One future row of ``places`` plus the names it should be found by.

    ``names`` maps each written name to its match weight: 1.0 for the
    official name, less for alternates, so the official reading ranks first.
    """

    id: str
    name: str
    feature_type: str
    lat: float
    lon: float
    prior: float
    source: str
    country_codes: tuple[str, ...] = ()
    admin1: str | None = None
    population: int | None = None
    geonameid: int | None = None
    bbox: tuple[float, float, float, float] | None = None
    alternate_names: list[str] = field(default_factory=list)
    names: dict[str, float] = field(default_factory=dict)

    def add_name(self, name: str, weight: float) -> None:
        name = name.strip()
        if name and weight > self.names.get(name, 0.0):
            self.names[name] = weight

    def add_alias(self, alias: str, weight: float) -> None:
        """A curated alias: findable by it, and listed among the alternate names."""
        self.add_name(alias, weight)
        if alias not in self.alternate_names:
            self.alternate_names.append(alias)

    @property
    def country_code(self) -> str | None:
        """The one country the entry lies in; ``None`` when it spans several.

        A disputed or occupied territory lists its internationally recognised
        sovereign first (Crimea: UA, RU), and that is its country.
        """
        if len(self.country_codes) == 1 or (self.country_codes and self.feature_type == "territory"):
            return self.country_codes[0]
        return None
