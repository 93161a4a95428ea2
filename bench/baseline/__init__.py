"""The plain baseline the shop is measured against: one Django app, one model, DRF, no kernel.

Served by `gunicorn baseline.wsgi` from the bench/ directory, with the same flags as the shop
(bench/sidebyside.py starts it). It is kept as small as a plain DRF project can be while still
doing the two things the shop's endpoints are compared with: an INSERT of one row, and a GET
that answers a constant body.
"""
