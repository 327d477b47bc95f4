"""After the model: named stages from tags to fields and sections in raw offsets."""
