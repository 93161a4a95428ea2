"""Throw-away contexts that exist only for the event kernel's tests.

- sample publishes events (and serves one HTTP endpoint for request-level tests);
- listener subscribes to them; its handler's behaviour is chosen by the event (count, fail until
  repaired, fail permanently, pause for a kill, be slow), and each run leaves an Effect row;
- remote subscribes too, and is the context a test moves to a database of its own.

config/settings.py installs them under pytest, and in the processes tests start (workers) when
SHOP_TEST_APPS=true.
"""
