"""Public api of the shipping context: keyword-only functions returning frozen DTOs."""
