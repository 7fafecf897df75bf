"""Contests: selection rounds, their rubric and their state machine."""
