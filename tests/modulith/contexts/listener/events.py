"""The listener context publishes no events."""
