"""Public api of the notifications context. It only reacts to events; no sync calls today."""
