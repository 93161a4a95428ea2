"""Public api of the catalog context: keyword-only functions returning frozen DTOs."""
