"""Events published by the notifications context."""
