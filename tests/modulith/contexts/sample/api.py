"""The sample context offers no synchronous api: everything it says, it says with events."""
