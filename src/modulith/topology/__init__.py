"""Topologies: which service hosts which context, declared once in a file and derived everywhere.

`model` reads a topology file, `placement` derives what each service hosts and reaches, `guard`
refuses database access to contexts hosted elsewhere, `checks` validates a topology, `gateway`
renders an nginx configuration, and `manage.py topology` shows all of it. The loader and the
derivation import nothing of Django's app registry, so the settings can use them.
"""
