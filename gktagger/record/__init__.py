"""The record: built once, checked by the validator's rules."""
