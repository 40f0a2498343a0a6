"""The web app's own static files (served by ``geomap.serve_pages``): its script and stylesheet."""
