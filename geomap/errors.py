"""The exceptions geomap raises: a small hierarchy, so callers catch what they mean."""


class GeomapError(Exception):
    """Base class of every error geomap raises on purpose."""


class GazetteerError(GeomapError):
    """The gazetteer index is missing, corrupt or cannot be built."""


class InputError(GeomapError):
    """Input that geomap cannot use: empty, oversized, malformed."""


class FieldError(InputError):
    """One field of an input holds a value geomap cannot use: the field is named."""

    def __init__(self, field: str, message: str) -> None:
        super().__init__(message)
        self.field = field


class StoreError(GeomapError):
    """The incident store is missing, not a geomap store, made by a newer geomap, or unwritable."""


class NoSuchIncident(StoreError):
    """The store has no incident with the id given."""
