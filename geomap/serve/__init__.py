"""The local web app: pages and a JSON API over the incident store and the parser (Starlette)."""
