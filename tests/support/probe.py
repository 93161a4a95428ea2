"""`python -m tests.support.probe URL`: exit 0 if the database answers.

Locally an unreachable PostgreSQL skips the PostgreSQL run with a message (exit 1); under
CI=true it is an error (exit 2), because CI must run the PostgreSQL suite.
"""

import sys

from tests.support.services import reachable, running_in_ci

url = sys.argv[1]
if reachable(url, 5432):
    sys.exit(0)
if running_in_ci():
    print(
        f"PostgreSQL is unreachable at {url}; CI requires the PostgreSQL test run.", file=sys.stderr
    )
    sys.exit(2)
print(f"SKIPPED the PostgreSQL test run: nothing answers at {url}.", file=sys.stderr)
sys.exit(1)
