"""Public api of the inventory context: keyword-only functions returning frozen DTOs."""
