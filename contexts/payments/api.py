"""Public api of the payments context: keyword-only functions returning frozen DTOs."""
