"""Public api of the identity context: keyword-only functions returning frozen DTOs."""
