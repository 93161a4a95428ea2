"""Public api of the payments context. Other contexts react to its events; it offers no sync
calls today."""
