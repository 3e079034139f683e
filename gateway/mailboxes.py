"""The mail adapters (qlvb_mailbox) opened from the configuration: its classes turned into the plain
values the adapters take, the password read here (from its environment variable or its file)."""

from __future__ import annotations

from pydantic import SecretStr

from gateway.config import Folders as FolderNames
from gateway.config import MailboxSource, MailServer
from qlvb_mailbox.imap import ImapMailbox
from qlvb_mailbox.maildir import MaildirMailbox
from qlvb_mailbox.settings import Folders, Server


def mail_server(config: MailServer) -> Server:
    return Server(host=config.host, port=config.port, security=config.security, username=config.username,
                  password=_plain(config.password()), ca_file=config.ca_file)


def _plain(secret: SecretStr | None) -> str | None:
    return secret.get_secret_value() if secret is not None else None


def mail_folders(config: FolderNames) -> Folders:
    return Folders(inbox=config.inbox, accepted=config.accepted, returned=config.returned,
                   quarantined=config.quarantined, ignored=config.ignored)


def open_mailbox(source: MailboxSource) -> ImapMailbox | MaildirMailbox:
    """The watched mailbox a configured source names, over IMAP or in a local Maildir."""
    if source.imap is not None:
        return ImapMailbox(mail_server(source.imap), mail_folders(source.folders))
    assert source.maildir is not None  # the configuration gives exactly one of them
    return MaildirMailbox(source.maildir, mail_folders(source.folders))
