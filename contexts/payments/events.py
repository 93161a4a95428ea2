"""Events published by the payments context."""
