"""Architecture tooling: import contracts, the generated context map, OpenAPI contracts, and the
scaffold for a new context.

Nothing here runs in production. It reads the code (import graph, registries, URL resolver) and
reports on it, so it must stay as context-agnostic as the rest of modulith.
"""
