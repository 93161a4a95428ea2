"""The bounded contexts. Each is a Django app declared with modulith.ContextConfig."""
