"""Getting articles into the store: load, clean, chunk, embed, persist."""
