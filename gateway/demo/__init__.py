"""`qlvb-gateway demo` (run.py) and what it makes its province of: a demo PKI (pki.py), documents
laid out as NĐ 30/2020 prescribes (documents.py), agencies' mails (mails.py), a seal (seal.py) and
signatures (signing.py). The tests use these through tests/kit. Importing this package imports
none of them."""
