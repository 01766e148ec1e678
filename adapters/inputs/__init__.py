"""Files and text coming in: the members CSV, times, results, synthetic members."""
