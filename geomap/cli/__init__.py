"""The ``geomap`` command: parses arguments, calls the library, prints and writes."""

from geomap.cli.main import main

__all__ = ["main"]
