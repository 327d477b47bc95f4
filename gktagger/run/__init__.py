"""Running over corpora: batches, the local worker pool, the Ray engine."""
