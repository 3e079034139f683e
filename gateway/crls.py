"""Fetching CRLs (trust.crl_urls), when the operator allows it: each URL is downloaded, must parse
as a CRL, and replaces its previous copy atomically; a failure keeps the previous copy and says
why. The workers re-read the folder when it changes (gateway/intake/analysis.py)."""

from __future__ import annotations

import hashlib
import os
import urllib.request
from dataclasses import dataclass
from pathlib import Path

from gateway.trust_files import load_crls
from registry.files import write_atomically

MAX_BYTES = 50 * 1024 * 1024


@dataclass(frozen=True)
class Fetched:
    url: str
    ok: bool
    detail: str  # the issuer and next update, or why it failed


def refresh_crls(urls: list[str], folder: Path, *, timeout: float = 30.0) -> list[Fetched]:
    folder.mkdir(parents=True, exist_ok=True)
    results = []
    changed = False
    for url in urls:
        try:
            with urllib.request.urlopen(url, timeout=timeout) as response:  # noqa: S310 (http/https checked in config)
                data = response.read(MAX_BYTES + 1)
            if len(data) > MAX_BYTES:
                raise ValueError("larger than 50 MB")
            crls = load_crls(Path(url), data)  # read as the workers will read it (gateway/trust_files.py)
            if len(crls) != 1:
                raise ValueError(f"{len(crls)} CRLs in one file")
            crl = crls[0]
            data = crl.dump()  # DER, as before
            issuer = crl.issuer.human_friendly
            next_update = crl["tbs_cert_list"]["next_update"].native
        except Exception as exc:  # network, HTTP or parse errors: keep the previous copy
            results.append(Fetched(url, False, f"{type(exc).__name__}: {exc}"[:300]))
            continue
        target = folder / f"{hashlib.sha256(url.encode()).hexdigest()[:16]}.crl"
        write_atomically(target, data)
        changed = True
        results.append(Fetched(url, True, f"{issuer}; next update {next_update}"))
    if changed:
        os.utime(folder)  # the workers notice the folder changed
    return results
