"""s75: section 75 partnership agreements, pooled funds and the Better Care Fund."""
