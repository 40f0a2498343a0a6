"""What geomap writes: GeoJSON, CSV and KML exports, Leaflet maps with their basemap, atomic files."""
