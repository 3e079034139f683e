"""RSA keys for the test processes, made from a few primes (tests/conftest.py puts `rsa_key` in place of the demo PKI's
fresh key). A 2,048-bit key costs 50 to 200 ms of CPU to generate, nearly all of it finding its two primes, and the
suite made hundreds of them (2 % of its CPU, py-spy over a whole run): here each key generated gives two primes, and
each new key is a pair of primes not paired before (n primes give n(n - 1)/2 keys: 12 primes for 66 keys), so no two
keys of a test process share a modulus, as no two fresh keys do. Two keys may share one prime: a weakness of a real
PKI (their moduli's common factor breaks both) that nothing the gateway checks depends on. A command run as a process
of its own makes its keys as the product does."""

from __future__ import annotations

from cryptography.hazmat.primitives.asymmetric import rsa

PUBLIC_EXPONENT = 65537
_primes: list[int] = []
_pairs_given = 0


def _pair(index: int) -> tuple[int, int]:
    """The index-th pair of prime positions: (1, 0), (2, 0), (2, 1), (3, 0), … each pair once."""
    high = 1
    while index >= high:
        index -= high
        high += 1
    return high, index


def rsa_key() -> rsa.RSAPrivateKey:
    global _pairs_given
    high, low = _pair(_pairs_given)
    _pairs_given += 1
    while len(_primes) <= high:  # OpenSSL's primes: 1,024 bits with their top two set (any two make 2,048), e ∤ p − 1
        numbers = rsa.generate_private_key(public_exponent=PUBLIC_EXPONENT, key_size=2048).private_numbers()
        _primes.extend((numbers.p, numbers.q))
    p, q = _primes[high], _primes[low]
    d = pow(PUBLIC_EXPONENT, -1, (p - 1) * (q - 1))
    return rsa.RSAPrivateNumbers(
        p, q, d, rsa.rsa_crt_dmp1(d, p), rsa.rsa_crt_dmq1(d, q), rsa.rsa_crt_iqmp(p, q),
        rsa.RSAPublicNumbers(PUBLIC_EXPONENT, p * q)).private_key(unsafe_skip_rsa_key_validation=True)  # checked at its making
