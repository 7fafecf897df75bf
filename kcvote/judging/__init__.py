"""Judging: score sheets, aggregation and ranking of entries within a round."""
