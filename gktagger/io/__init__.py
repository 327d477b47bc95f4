"""Reading: bytes → document (raw text), and writing records."""
