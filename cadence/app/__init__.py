"""``cadence app``: the coordinator's workbench in the browser, a thin skin over the library.

The pages and the JSON API (docs/app-api.md) call :mod:`cadence.session`, which calls the same
library functions as the CLI; this package decides no rule and words no rule's message.
"""

from cadence.app.guard import Config
from cadence.app.server import create_app

__all__ = ["Config", "create_app"]
