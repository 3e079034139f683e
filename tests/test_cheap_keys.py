"""The test processes' RSA keys (tests/cheap_keys.py): each a 2,048-bit key of its own that signs and verifies, none
sharing a modulus with another, and the demo PKI's certificates made with them."""

from __future__ import annotations

from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.asymmetric import padding

import cheap_keys
from gateway.demo import pki as demo_pki


def test_every_key_is_a_whole_2048_bit_key_of_its_own() -> None:
    keys = [cheap_keys.rsa_key() for _ in range(40)]
    assert {key.key_size for key in keys} == {2048}
    assert len({key.public_key().public_numbers().n for key in keys}) == len(keys)
    for key in keys[:3]:
        signature = key.sign(b"van ban", padding.PKCS1v15(), hashes.SHA256())
        key.public_key().verify(signature, b"van ban", padding.PKCS1v15(), hashes.SHA256())


def test_the_demo_pki_of_the_tests_takes_them() -> None:
    pki = demo_pki.DemoPki.create()
    signer = pki.signer("Sở Tư pháp", "UBND tỉnh Bắc Giang")
    keys = [pki.root.key, pki.intermediate.key, signer.key]
    assert all(isinstance(key, cheap_keys.rsa.RSAPrivateKey) for key in keys)
    assert len({key.public_key().public_numbers().n for key in keys}) == 3  # type: ignore[union-attr]
    assert demo_pki._new_key.__module__ == "conftest"
