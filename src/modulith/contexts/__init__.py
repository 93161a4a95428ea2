"""Bounded contexts as the kernel sees them: how they declare themselves and where their data lives.

- `registry`: `ContextConfig`, the registry of installed contexts, their transports and queues.
- `routing`: the database router that sends each context's models to its alias.
- `transactions`: transactions on a context's own database alias.
- `admin`: read-only admin classes for contexts whose rows change only through services.
- `choices`: `Codes`, text choices labelled with their own code.
"""
