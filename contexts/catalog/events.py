"""Events published by the catalog context."""
