"""The remote context offers no synchronous api."""
