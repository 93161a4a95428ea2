"""Public api of the notifications context: keyword-only functions returning frozen DTOs."""
