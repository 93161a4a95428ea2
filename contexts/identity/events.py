"""Events published by the identity context."""
