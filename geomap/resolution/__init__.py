"""From names to gazetteer entries: the gazetteer reader, geopy adapter, document-level ranking."""
