"""The gateway's configuration: one YAML file per agency, validated at start-up.

A wrong key or value is a ConfigError whose message names the key (exit status 2).
Relative paths are relative to the directory of the configuration file (ConfigPath); the files the
gateway reads (ReadFile) must exist at start-up, the ones it makes are made on first use.
"""

from __future__ import annotations

import difflib
import os
import re
from collections.abc import Callable
from datetime import date, time
from pathlib import Path
from typing import Annotated, Any, Literal
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from pydantic import (
    AfterValidator, BaseModel, BeforeValidator, ConfigDict, Field, SecretStr, ValidationError, ValidationInfo, field_validator,
    model_validator,
)
from pydantic_core import ErrorDetails, PydanticCustomError
from sqlalchemy.engine import make_url
from sqlalchemy.exc import ArgumentError

from gateway.text_files import TextFileError, load_yaml
from gateway.trust_files import TrustFileError, load_crls, load_roots

WEEKDAYS = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")
AGENCY_CODE = re.compile(r"^\d{3}\.\d{2}\.\d{2}\.[A-Z]\d{2}$")  # QCVN 102:2016 V1V2V3.Z1Z2.Y1Y2.MX1X2


class ConfigError(Exception):
    """A configuration problem; the message names the key."""


class SecretNotSet(ConfigError):
    """The environment variable that should hold a password or a PIN is not set."""


def _in_config_folder(value: Path, info: ValidationInfo) -> Path:
    """A relative path is taken from the configuration file's folder (given as the context
    `base_dir` by config_from_dict; without it, the path is left as written)."""
    base = (info.context or {}).get("base_dir")
    return value if value.is_absolute() or base is None else Path(base) / value


def _existing_file(value: Path, info: ValidationInfo) -> Path:
    """A file the gateway reads must be there at start-up (checked when loading a configuration)."""
    if (info.context or {}).get("base_dir") is not None and not value.is_file():
        raise PydanticCustomError("file_not_found", "file not found: {path}", {"path": str(value)})
    return value


def _existing_secret_file(value: Path, info: ValidationInfo) -> Path:
    """A file holding a password or a PIN must be there too; its path is never said (red team 76: a password written
    where the file's name goes was printed in the error, into the journal)."""
    if (info.context or {}).get("base_dir") is not None and not value.is_file():
        raise PydanticCustomError("file_not_found", "file not found (its path is not repeated here: it may be the secret)")
    return value


def _trust_file(load: Callable[[Path], object]) -> Callable[[Path, ValidationInfo], Path]:
    """A root or a CRL file must hold what its key says, parsed at load rather than by each document's validation."""
    def check(value: Path, info: ValidationInfo) -> Path:
        if (info.context or {}).get("base_dir") is not None:
            try:
                load(value)
            except TrustFileError as exc:
                raise PydanticCustomError("trust_file", "{problem}", {"problem": str(exc)}) from None
        return value
    return check


ENV_NAME = re.compile(r"[A-Za-z_][A-Za-z0-9_]*")


def _env_name(value: str) -> str:
    """The name of an environment variable, never echoed unless it is one (it may be the password itself)."""
    if not ENV_NAME.fullmatch(value):
        raise PydanticCustomError("env_name", "must be the NAME of an environment variable (letters, digits and _), "
                                              "not the secret itself")
    return value


def _address(value: str) -> str:
    if "@" not in value:
        raise ValueError("must be an e-mail address")
    return value.strip().lower()


# an e-mail address, kept in lower case
Mailbox = Annotated[str, AfterValidator(_address)]


def _a_path(value: object) -> object:
    """A path written: an empty one was the configuration's own folder (red team 151: `maildir: ""` watched it)."""
    if isinstance(value, str) and not value.strip():
        raise ValueError("must be a path, not empty")
    return value


def _not_a_file(value: Path, info: ValidationInfo) -> Path:
    """A folder the gateway makes or uses: a file of that name was found only at the first mail (red team 151)."""
    if (info.context or {}).get("base_dir") is not None and value.exists() and not value.is_dir():
        raise ValueError("is a file, not a folder")
    return value


# a path in the configuration: relative to the configuration's folder
ConfigPath = Annotated[Path, BeforeValidator(_a_path), AfterValidator(_in_config_folder)]
# a folder in the configuration (the store): never a file
FolderPath = Annotated[ConfigPath, AfterValidator(_not_a_file)]
# a file the gateway reads (a root, a CRL, a CA file, a key, the directory, a module): it must exist
ReadFile = Annotated[Path, AfterValidator(_in_config_folder), AfterValidator(_existing_file)]
# a file holding a password or a PIN: it must exist, and its path is never said
SecretFile = Annotated[Path, AfterValidator(_in_config_folder), AfterValidator(_existing_secret_file)]
# the name of the environment variable holding a password or a PIN
EnvName = Annotated[str, AfterValidator(_env_name)]
# trust.roots and trust.crls: files that must hold certificates, certificate revocation lists
RootFile = Annotated[ReadFile, AfterValidator(_trust_file(load_roots))]
CrlFile = Annotated[ReadFile, AfterValidator(_trust_file(load_crls))]


def read_secret(env: str | None, file: Path | None, what: str) -> SecretStr | None:
    """A password or a PIN from its file (without the final line break) or from its environment
    variable; None when neither is named. SecretNotSet when the variable is not set."""
    if file is not None:
        try:
            return SecretStr(file.read_text(encoding="utf-8").rstrip("\r\n"))
        except (OSError, UnicodeDecodeError) as exc:  # its path never said: it may be the secret (red team 76)
            reason = exc.strerror if isinstance(exc, OSError) and exc.strerror else "not UTF-8 text"
            raise SecretNotSet(f"the file with the {what} cannot be read ({reason})") from None
    if env is None:
        return None
    value = os.environ.get(env)
    if value is None:
        raise SecretNotSet(f"{env}: the environment variable with the {what} is not set")
    return SecretStr(value)


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class Agency(_Strict):
    code: str
    name: str
    mailbox: Mailbox

    @field_validator("code")
    @classmethod
    def _code(cls, value: str) -> str:
        if not AGENCY_CODE.match(value):
            raise ValueError("must look like 000.00.14.H06 (QCVN 102:2016)")
        return value


class OfficeHours(_Strict):
    # at least one (red team 110: none held every letter `processing-failed`)
    days: list[Literal["mon", "tue", "wed", "thu", "fri", "sat", "sun"]] = Field(
        default=["mon", "tue", "wed", "thu", "fri"], min_length=1)
    start: time = time(7, 30)
    end: time = time(17, 0)
    extra_holidays: list[date] = []
    extra_workdays: list[date] = []

    @field_validator("days")
    @classmethod
    def _each_day_once(cls, value: list[str]) -> list[str]:
        twice = sorted({day for day in value if value.count(day) > 1}, key=WEEKDAYS.index)
        if twice:  # red team 151: a slip said nothing
            raise ValueError(f"gives {', '.join(twice)} twice")
        return value

    @field_validator("end")
    @classmethod
    def _end_after_start(cls, value: time, info: ValidationInfo) -> time:
        start = info.data.get("start")
        if start is not None and value <= start:
            raise ValueError("must be later than start")
        return value


class Trust(_Strict):
    roots: list[RootFile] = []
    # roots of a CA that certifies bodies of the state and their people alone (Ban Cơ yếu Chính phủ's: 000 Đ7.2, Đ15.2):
    # trusted as `roots` are, and under them a certificate's O is the CA's word for the body it names
    state_roots: list[RootFile] = []
    crls: list[CrlFile] = []
    revocation: Literal["soft", "hard"] = "soft"
    crl_urls: list[str] = []  # fetching allowed: the daemon refreshes these CRLs (http or https)
    crl_refresh_hours: float = Field(default=6, gt=0)

    @field_validator("crl_urls")
    @classmethod
    def _urls(cls, value: list[str]) -> list[str]:
        for url in value:
            if not url.startswith(("http://", "https://")):
                raise ValueError(f"{url}: a CRL is fetched over http or https")
        return value


class Authentication(_Strict):
    trusted_authserv_ids: list[str] = []
    # the province's own hops as their Received headers name them (default: trusted_authserv_ids);
    # only Authentication-Results above the Received line where a mail entered these hosts count
    trusted_hosts: list[str] = []
    # domains that sign the mail of every agency below them (a d= here counts for any such From)
    shared_signing_domains: list[str] = []
    dkim_keys: dict[str, str] = {}
    dns: bool = True  # look DKIM keys up in DNS when no static key is configured


class Limits(_Strict):
    max_mail_mb: float = Field(default=50, gt=0)  # a larger mail is taken alone, kept, and not read (mail-too-large)
    seconds_per_document: float = Field(default=60, gt=0)  # each PDF's analysis
    seconds_per_mail: float = Field(default=300, gt=0)  # a mail's whole analysis, all its PDFs
    # CPU seconds the daemon process may spend deciding on and recording one mail (gateway/mail_budget.py)
    daemon_seconds_per_mail: float = Field(default=10, gt=0)
    batch_mb: float = Field(default=20, gt=0)  # the daemon fetches at most this much mail at once (a larger mail alone)
    worker_memory_mb: int = Field(default=512, ge=256)  # address space a PDF worker may take beyond its start
    max_files_per_mail: int = Field(default=100, ge=1)  # a mail with more is kept and not read (too-many-files)
    workers: int = Field(default=0, ge=0)  # 0: one per core

    @property
    def room_needed(self) -> int:
        """Bytes the store's and the register's disks must keep free: the largest mail read, its original and its decoded
        files (red team 93: one that could not be kept held the mailbox, no alert)."""
        return int(2 * self.max_mail_mb * 2**20)


class Notify(_Strict):
    clerk: list[Mailbox] = []  # addresses, each (red team 110: "lanhdao", a typo, alerted nobody)
    urgent: list[Mailbox] = []


LOOPBACK = ("127.0.0.1", "::1", "localhost")


class MailServer(_Strict):
    """An IMAP or SMTP server; certificates are verified (against `ca_file` when given). Plain
    text (`security: none`) only to a loopback address."""

    host: str
    port: int | None = Field(default=None, ge=1, le=65535)  # default by protocol and security
    security: Literal["tls", "starttls", "none"] = "tls"
    username: str | None = None
    password_env: EnvName | None = None  # the name of the environment variable holding the password
    password_file: SecretFile | None = None  # or a file holding it (a systemd credential, a Docker secret)
    ca_file: ReadFile | None = None

    @model_validator(mode="after")
    def _plain_only_on_loopback(self) -> "MailServer":
        if self.security == "none" and self.host not in LOOPBACK:
            raise ValueError("security: none is allowed only to a loopback address (127.0.0.1, ::1, localhost)")
        if self.username and not (self.password_env or self.password_file):
            raise ValueError("password_env: name the environment variable that holds the password (or password_file)")
        if self.password_env and self.password_file:
            raise ValueError("give one of password_env and password_file")
        return self

    def password(self) -> SecretStr | None:
        return read_secret(self.password_env, self.password_file, "password")


class Folders(_Strict):
    """Where the daemon files each mail, by verdict (created if missing)."""

    inbox: str = "INBOX"
    accepted: str = "QLVB/Đã tiếp nhận"  # duplicates too
    returned: str = "QLVB/Đã trả lại"
    quarantined: str = "QLVB/Cần kiểm tra"
    ignored: str = "QLVB/Khác"


class MailboxSource(_Strict):
    """One official mailbox the daemon watches: over IMAP, or a local Maildir beside the mail server."""

    name: str
    imap: MailServer | None = None
    maildir: ConfigPath | None = None
    folders: Folders = Folders()
    poll_seconds: float = Field(default=60, gt=0)  # where the server has no IDLE

    @model_validator(mode="after")
    def _one_source(self) -> "MailboxSource":
        if (self.imap is None) == (self.maildir is None):
            raise ValueError("give exactly one of imap and maildir")
        return self


class Listener(_Strict):
    """An LMTP (or SMTP) listener in the delivery path: the province's MTA delivers to the gateway,
    which keeps the mail before it answers 250, decides, and files it into the clerk mailbox."""

    protocol: Literal["lmtp", "smtp"] = "lmtp"
    host: str = "127.0.0.1"
    port: int = Field(default=2424, ge=1, le=65535)
    mailbox: str | None = None  # the `mailboxes` entry (IMAP) to file into; default the first


class Schedule(_Strict):
    digest: list[time] = [time(11, 30), time(16, 30)]  # 133/2015 Đ10: end of the morning and of the afternoon


class Appearance(_Strict):
    """The visible signature: Bắc Giang QĐ 133/2015 puts it bottom left of page 1; NĐ 30/2020 Phụ
    lục I sets the seal over the signature (top right of the signer's block, on the last page)."""

    placement: Literal["bottom-left-first-page", "over-signature"] = "bottom-left-first-page"
    seal_image: ReadFile | None = None  # the red seal (PNG), drawn in the box
    font: ReadFile | None = None  # a TrueType font with Vietnamese, 1000 units per em; default FreeSans (fonts-freefont-ttf)


class Pkcs11(_Strict):
    """A PKCS#11 token (the USB tokens Ban Cơ yếu issues; SoftHSM2 in the tests)."""

    module: ReadFile
    token_label: str
    key_label: str
    cert_label: str | None = None  # default: the key's label
    pin_env: EnvName | None = None  # the environment variable holding the user PIN
    pin_file: SecretFile | None = None  # or a file holding it

    @model_validator(mode="after")
    def _one_pin(self) -> "Pkcs11":
        if (self.pin_env is None) == (self.pin_file is None):
            raise ValueError("pin_env: name the environment variable that holds the PIN (or pin_file)")
        return self

    def pin(self) -> SecretStr | None:
        return read_secret(self.pin_env, self.pin_file, "token PIN")


class Signing(_Strict):
    """Our agency's signature on outgoing documents: a PKCS#12 file or a PKCS#11 token."""

    pkcs12: ReadFile | None = None
    password_env: EnvName | None = None  # for pkcs12
    password_file: SecretFile | None = None  # or a file holding it
    pkcs11: Pkcs11 | None = None
    appearance: Appearance = Appearance()

    @model_validator(mode="after")
    def _one_key(self) -> "Signing":
        if (self.pkcs12 is None) == (self.pkcs11 is None):
            raise ValueError("name either pkcs12 (a file) or pkcs11 (a token)")
        if self.password_env and self.password_file:
            raise ValueError("give one of password_env and password_file")
        return self

    def password(self) -> SecretStr | None:
        """The PKCS#12 file's password."""
        return read_secret(self.password_env, self.password_file, "PKCS#12 password")


class Outgoing(_Strict):
    folder: str = "QLVB/Gửi đi"  # where the clerk drops a mail to itself with the signed scan
    # a block without "Bản điện tử": hold it for the clerk, or send to all (Bắc Giang QĐ 133/2015 Đ3.1)
    no_subheading: Literal["hold", "all_electronic"] = "hold"


class Unit(_Strict):
    """A unit of the agency (a Phòng, the Văn phòng) or a person of it, to whom a registered document is
    passed on (Bắc Kạn QĐ 26/2020 Đ9.3.b: đơn vị hoặc cá nhân), with the mailbox that gets it."""

    code: str  # short and stable: what `pass --lead` and a person's `--unit` name
    name: str  # as the printed register writes it (column 7)
    mailbox: Mailbox
    person: bool = False  # a person rather than a unit

    @field_validator("code")
    @classmethod
    def _code(cls, value: str) -> str:
        if not re.fullmatch(r"[A-Za-z0-9._-]{1,32}", value):
            raise ValueError("must be 1 to 32 letters, digits, '.', '_' or '-'")
        return value


class Monitoring(_Strict):
    """What `status` reports as an alert (exit status 4, for Nagios-style checks)."""

    alert_after_seconds: float = Field(default=900, gt=0)  # a mailbox failing longer than this


class Metrics(_Strict):
    """A Prometheus endpoint served by the daemon (`qlvb-gateway run`): GET /metrics."""

    host: str = "127.0.0.1"  # loopback unless another address is stated
    port: int = Field(default=9464, ge=1, le=65535)


class WebTls(_Strict):
    cert: ReadFile
    key: ReadFile


class Web(_Strict):
    """The clerk's desk (`qlvb-gateway web`): on loopback by default; another address only with its own
    TLS or behind a reverse proxy that gives it (deploy/nginx-qlvb-desk.conf)."""

    host: str = "127.0.0.1"
    port: int = Field(default=8080, ge=1, le=65535)
    tls: WebTls | None = None
    behind_proxy: bool = False  # X-Forwarded-For and X-Forwarded-Proto believed, from `proxies` only
    proxies: list[str] = ["127.0.0.1", "::1"]  # the proxy's own addresses
    session_hours: float = Field(default=8, gt=0)  # a login lasts a working day at most
    idle_minutes: float = Field(default=60, gt=0)  # and ends after this long without a page
    max_upload_mb: float = Field(default=50, gt=0)  # a scan and its draft sent from the page: a larger form is refused unread
    # the names the desk answers to (the Host header; anything else 400, against DNS rebinding): by default
    # `host`, and the loopback names when it is loopback; behind a proxy, the public name it is reached by
    hosts: list[str] | None = None

    def allowed_hosts(self) -> list[str]:
        """The Host header's names accepted, IPv6 literals in brackets as the header writes them."""
        names = self.hosts if self.hosts is not None else [self.host, *(LOOPBACK if self.host in LOOPBACK else ())]
        return list(dict.fromkeys(f"[{n}]" if ":" in n and not n.startswith("[") else n for n in names))

    @model_validator(mode="after")
    def _exposed_only_safely(self) -> "Web":
        if self.host not in LOOPBACK and self.tls is None and not self.behind_proxy:
            raise ValueError(f"host {self.host} is not a loopback address: give tls (cert, key) or set behind_proxy: true "
                             "(the desk's passwords and cookies must not cross the network in plain text)")
        if self.behind_proxy and self.hosts is None:  # else every request through the proxy would be refused (400)
            raise ValueError("behind_proxy needs hosts: the public name(s) the desk is reached by, as the proxy "
                             "passes them in the Host header (e.g. hosts: [vanthu.snv.bacgiang.gov.vn])")
        for name in self.hosts or ():
            if "*" in name and not (name.startswith("*.") and "*" not in name[2:]):
                raise ValueError(f"hosts: {name!r}: a wildcard only as the first label ('*.example.gov.vn')")
        return self


def _account(server: MailServer) -> str:
    """An IMAP account as the server knows it: user@host:port (the port as written, or the default)."""
    return f"'{server.username or ''}@{server.host.lower()}:{server.port or server.security}'"


class Config(_Strict):
    agency: Agency
    timezone: str = "Asia/Ho_Chi_Minh"
    office_hours: OfficeHours = OfficeHours()
    database: str = "sqlite:///qlvb.db"
    storage: FolderPath = Path("store")  # made on first use
    directory: ReadFile | None = None
    trust: Trust = Trust()
    authentication: Authentication = Authentication()
    limits: Limits = Limits()
    notify: Notify = Notify()
    mailboxes: list[MailboxSource] = []
    smtp: MailServer | None = None  # the submission server the answers are sent through
    schedule: Schedule = Schedule()
    units: list[Unit] = []  # where registered documents are passed on (gateway/passing.py)
    listener: Listener | None = None
    signing: Signing | None = None
    outgoing: Outgoing = Outgoing()
    monitoring: Monitoring = Monitoring()
    metrics: Metrics | None = None
    web: Web = Web()

    # Where the config file lives; relative paths were resolved against it.
    base_dir: Path = Path(".")

    def unit_mailbox(self, code: str, name: str, when_passed: str) -> str:
        """Where a unit's mail goes now: its mailbox in `units:` if the configuration still names that unit, by its
        code (in any case, as codes are compared) and its name (red team 83: a unit's new mailbox was passed over for the
        one it had when the document was passed; red team 84: a code given to another unit took the old one's mail),
        else the one it had."""
        return next((str(u.mailbox) for u in self.units if u.code.lower() == code.lower() and u.name == name), when_passed)

    @property
    def spool(self) -> Path:
        """Where the listener keeps each delivery until it is filed into its IMAP inbox (beside the content store)."""
        return Path(self.storage) / "spool"

    @field_validator("timezone")
    @classmethod
    def _timezone(cls, value: str) -> str:
        try:
            ZoneInfo(value)
        except (ZoneInfoNotFoundError, ValueError) as exc:
            raise ValueError(f"unknown time zone {value!r}") from exc
        return value

    @field_validator("database")
    @classmethod
    def _database(cls, value: str, info: ValidationInfo) -> str:
        # a file the register outlives the command in (red team 110: "sqlite://", in memory, numbered a letter and lost it
        # at the command's end; "sqlite:qlvb.db" was SQLAlchemy's traceback)
        if value.startswith("sqlite"):
            file = value.removeprefix("sqlite:///") if value.startswith("sqlite:///") else ""
            name, _, query = file.partition("?")
            if not name.strip() or name.startswith((":memory:", "file:")) or "memory" in query:
                raise ValueError("must be sqlite:///FILE (a file: a register in memory is lost at the end) or "
                                 "postgresql+psycopg://…")
            return "sqlite:///" + str(_in_config_folder(Path(file), info))  # sqlite:////absolute stays; relative: here
        try:
            url = make_url(value)
        except ArgumentError:
            url = None
        if url is None or not url.drivername.startswith("postgresql"):
            raise ValueError("must be sqlite:///FILE or postgresql+psycopg://…")
        return value

    @field_validator("units")
    @classmethod
    def _units(cls, value: list[Unit]) -> list[Unit]:
        codes = [u.code.lower() for u in value]
        twice = sorted({c for c in codes if codes.count(c) > 1})
        if twice:
            raise ValueError(f"the unit code {twice[0]!r} is given twice")
        return value

    @field_validator("mailboxes")
    @classmethod
    def _mailboxes(cls, value: list[MailboxSource]) -> list[MailboxSource]:
        """One name, one IMAP account, one Maildir each: the register keeps each mailbox's state by its name (red team 76:
        a copy-paste left two of one name, and the failing one's error was overwritten by the other's "connected")."""
        for what, keys in (("name", [m.name for m in value]),
                           ("IMAP account", [_account(m.imap) for m in value if m.imap is not None]),
                           ("Maildir", [str(m.maildir) for m in value if m.maildir is not None])):
            twice = next((k for i, k in enumerate(keys) if k in keys[:i]), None)
            if twice is not None:
                raise PydanticCustomError("given_twice", "the {what} {value} is given twice", {"what": what, "value": twice})
        return value

    @property
    def tz(self) -> ZoneInfo:
        return ZoneInfo(self.timezone)

    @property
    def clerk_addresses(self) -> list[str]:
        return self.notify.clerk or [self.agency.mailbox]

    def check_secrets(self, *, mail: bool = True) -> None:
        """Read every password and PIN the process will need (the mailboxes' and the SMTP server's when
        `mail`, the signing key's always): a variable not set is said at start-up, naming the key, rather
        than when a mail or a document first needs it. SecretNotSet otherwise."""
        reads: list[tuple[str, Callable[[], SecretStr | None]]] = []
        if mail:
            reads += [(f"mailboxes.{m.name}.imap.{_secret_key(m.imap.password_file, 'password')}", m.imap.password)
                      for m in self.mailboxes if m.imap is not None]
            reads += [(f"smtp.{_secret_key(self.smtp.password_file, 'password')}", self.smtp.password)] if self.smtp else []
        if self.signing is not None:
            pkcs11 = self.signing.pkcs11
            reads += [(f"signing.pkcs11.{_secret_key(pkcs11.pin_file, 'pin')}", pkcs11.pin) if pkcs11 is not None
                      else (f"signing.{_secret_key(self.signing.password_file, 'password')}", self.signing.password)]
        for key, read in reads:
            try:
                read()
            except SecretNotSet as exc:
                raise SecretNotSet(f"{key}: {exc}") from None


def _secret_key(file: Path | None, what: str) -> str:
    """The key a secret is read from: `password_file` when a file is named, else `password_env` (`pin_…` alike)."""
    return f"{what}_file" if file is not None else f"{what}_env"


def _key_of(error: ErrorDetails) -> str:
    loc = list(error["loc"])
    while error["type"] in ("file_not_found", "trust_file") and loc and isinstance(loc[-1], int):
        loc.pop()  # trust.roots, not trust.roots.0
    return ".".join(str(part) for part in loc)


def config_from_dict(raw: dict[str, Any], base_dir: Path) -> Config:
    """Validate a configuration given as a dict (paths relative to base_dir)."""
    if not isinstance(raw, dict):
        raise ConfigError("the configuration must be a YAML mapping of keys")
    raw = {**raw, "base_dir": str(base_dir)}
    try:
        config = Config.model_validate(raw, context={"base_dir": base_dir})
    except ValidationError as exc:
        problems = []
        for error in exc.errors():
            key = _key_of(error)
            if error["type"] == "extra_forbidden":
                near = difflib.get_close_matches(key.rpartition(".")[2], _known_keys(error), n=1)
                problems.append(f"{key}: unknown key" + (f" (did you mean `{near[0]}`?)" if near else ""))
            elif error["type"] == "list_type" and isinstance(error.get("input"), str):  # a newcomer wrote one file bare
                problems.append(f"{key}: a list: write [{error['input']}] (or one item a line, each after \"- \")")
            elif error["type"] == "missing":
                problems.append(f"{key}: required key is missing")
            elif error["type"] == "value_error" and "error" in error.get("ctx", {}):
                problems.append(f"{key}: {error['ctx']['error']}")  # ours, without pydantic's "Value error, "
            else:
                problems.append(f"{key}: {error['msg']}")
        raise ConfigError("; ".join(problems)) from None
    _check_listener(config)
    if not config.trust.roots and not config.trust.state_roots:
        # the roots of Ban Cơ yếu Chính phủ (002 Đ4.2) are not bundled: the operator names their files
        raise ConfigError("trust.roots: name at least one root certificate file "
                          "(trust.state_roots: the Ban Cơ yếu Chính phủ roots)")
    return config


def _known_keys(error: ErrorDetails) -> list[str]:
    """The keys the model holding an unknown key has, for a suggestion ("databse" → "database")."""
    model: Any = Config
    for part in error["loc"][:-1]:
        if isinstance(part, int):
            continue
        field = getattr(model, "model_fields", {}).get(part)
        annotation = getattr(field, "annotation", None)
        model = next((a for a in (annotation, *getattr(annotation, "__args__", ())) if hasattr(a, "model_fields")), None)
        if model is None:
            return []
    return list(getattr(model, "model_fields", {}))


def _check_listener(config: Config) -> None:
    """The listener's mail is filed into an IMAP mailbox: one must be there to take it, else it would wait in the spool
    for ever, the MTA told 250 (red team 76: a typo in listener.mailbox, and the document was never registered)."""
    if config.listener is None:
        return
    imap = [m.name for m in config.mailboxes if m.imap is not None]
    others = ", ".join(f"{m.name} is a Maildir" for m in config.mailboxes if m.maildir is not None)
    if config.listener.mailbox is None and not imap:
        raise ConfigError("listener: its mail is filed into an IMAP mailbox of mailboxes, and there is none"
                          + (f" ({others})" if others else "") + ": take `listener:` out, or add one")
    if config.listener.mailbox is not None and config.listener.mailbox not in imap:
        named = "is a Maildir" if config.listener.mailbox in (m.name for m in config.mailboxes) else "is no mailbox"
        raise ConfigError(f"listener.mailbox: {config.listener.mailbox} {named}: name an IMAP mailbox of mailboxes"
                          f" ({', '.join(imap) if imap else 'there is none'}), or take `listener:` out")


def load_config(path: Path) -> Config:
    """Read and validate the YAML configuration at path."""
    if not path.is_file():
        raise ConfigError(f"--config: no configuration file at {path}")
    try:
        raw = load_yaml(path) or {}
    except TextFileError as exc:  # another encoding, a YAML mistake, a key given twice: one line (red team 110)
        raise ConfigError(str(exc)) from None
    return config_from_dict(raw, path.resolve().parent)
