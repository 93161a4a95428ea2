"""Django system checks (modulith.E0xx) for what import analysis cannot see."""
