"""The rules of the association's decision processes: aggregates, value objects, errors."""
