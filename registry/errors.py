"""The register's errors that the command line says in one line without loading the database's libraries."""

from __future__ import annotations


class RegisterUnavailable(Exception):
    """The register cannot be used as it is: not there, not reachable, not a register, or of another revision than the
    code's (for reading, `Register(url, existing=True)`), or of a revision the code does not know (for any use). Its
    message is one line, naming no password."""
