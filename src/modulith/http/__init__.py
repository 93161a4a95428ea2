"""HTTP plumbing shared by every context: errors, authentication, health, correlation ids."""
