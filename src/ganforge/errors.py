"""The one error type that reaches a user as a single line (see cli.main)."""


class GanforgeError(Exception):
    """A problem the user can fix; its message names the problem and the fix, in one line."""
