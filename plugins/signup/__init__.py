"""signup (接龙): sign-up sheets with capacity, deadline, waitlist, lottery, export.

The plugin (metadata, the /接龙 command, the free-text hook, jobs) is in
:mod:`.matchers`.
"""

from .matchers import __plugin_meta__  # noqa: F401
