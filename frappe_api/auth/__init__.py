"""Authentication classes (DRF) for Frappe's ways of logging in."""
