"""HTTP layer: DRF views, renderers, parsers and the error handler for Frappe's endpoints."""
