"""The remote context publishes no events."""
