"""The web app's own static files (served by ``geomap.serve.pages``): its script and stylesheet."""
