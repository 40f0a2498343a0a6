"""Finding the place names of a document: one finder per kind of evidence, composed in order."""
