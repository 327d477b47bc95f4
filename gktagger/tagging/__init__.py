"""The model: characters → tokens → windows → tags."""
