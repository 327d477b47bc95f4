"""The text the model reads: normalised, with its offset map, bodies and printed rows."""
