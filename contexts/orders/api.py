"""Public api of the orders context: keyword-only functions returning frozen DTOs."""
