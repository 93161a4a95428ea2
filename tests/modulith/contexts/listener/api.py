"""The listener context offers no synchronous api."""
