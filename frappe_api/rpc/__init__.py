"""Remote method calls: the whitelist and its dispatch."""
