"""Training, evaluation and data generation for gktagger models."""
