"""News feeds and folders watched into the incident store (``geomap watch``)."""
