"""The spaCy pipeline geomap runs and its components: sentences, tags, the event sentences' parse."""
