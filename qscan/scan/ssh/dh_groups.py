"""The fixed Diffie-Hellman groups of SSH: Oakley group 2 (RFC 2409 §6.2, 1024 bits) as
diffie-hellman-group1, and the MODP groups of RFC 3526 as group14 (2048), 15 (3072),
16 (4096), 17 (6144) and 18 (8192), all with generator 2.

Every one of them is p = 2^b - 2^(b-64) - 1 + 2^64 * (floor(2^(b-130) * pi) + k) for its
size b and offset k (RFC 2409 §6.2, RFC 3526 §2-7), so one constant, floor(2^8062 * pi),
yields all six; tests/ssh check that the results are safe primes and match the RFC text.
"""

from __future__ import annotations

from functools import cache

_PI_HEX = """
    c90fdaa22168c234c4c6628b80dc1cd129024e088a67cc74020bbea63b139b22514a08798e3404ddef9519b3
    cd3a431b302b0a6df25f14374fe1356d6d51c245e485b576625e7ec6f44c42e9a637ed6b0bff5cb6f406b7ed
    ee386bfb5a899fa5ae9f24117c4b1fe649286651ece45b3dc2007cb8a163bf0598da48361c55d39a69163fa8
    fd24cf5f83655d23dca3ad961c62f356208552bb9ed529077096966d670c354e4abc9804f1746c08ca18217c
    32905e462e36ce3be39e772c180e86039b2783a2ec07a28fb5c55df06f4c52c9de2bcbf6955817183995497c
    ea956ae515d2261898fa051015728e5a8aaac42dad33170d04507a33a85521abdf1cba64ecfb850458dbef0a
    8aea71575d060c7db3970f85a6e1e4c7abf5ae8cdb0933d71e8c94e04a25619dcee3d2261ad2ee6bf12ffa06
    d98a0864d87602733ec86a64521f2b18177b200cbbe117577a615d6c770988c0bad946e208e24fa074e5ab31
    43db5bfce0fd108e4b82d120a92108011a723c12a787e6d788719a10bdba5b2699c327186af4e23c1a946834
    b6150bda2583e9ca2ad44ce8dbbbc2db04de8ef92e8efc141fbecaa6287c59474e6bc05d99b2964fa090c3a2
    233ba186515be7ed1f612970cee2d7afb81bdd762170481cd0069127d5b05aa993b4ea988d8fddc186ffb7dc
    90a6c08f4df435c93402849236c3fab4d27c7026c1d4dcb2602646dec9751e763dba37bdf8ff9406ad9e530e
    e5db382f413001aeb06a53ed9027d831179727b0865a8918da3edbebcf9b14ed44ce6cbaced4bb1bdb7f1447
    e6cc254b332051512bd7af426fb8f401378cd2bf5983ca01c64b92ecf032ea15d1721d03f482d7ce6e74fef6
    d55e702f46980c82b5a84031900b1c9e59e7c97fbec7e8f323a97a7e36cc88be0f1d45b7ff585ac54bd407b2
    2b4154aacc8f6d7ebf48e1d814cc5ed20f8037e0a79715eef29be32806a1d58bb7c5da76f550aa3d8a1fbff0
    eb19ccb1a313d55cda56c9ec2ef29632387fe8d76e3c0468043e8f663f4860ee12bf2d5b0b7474d6e694f91e
    6dbe115974a3926f12fee5e438777cb6a932df8cd8bec4d073b931ba3bc832b68d9dd300741fa7bf8afc47ed
    2576f6936ba424663aab639c5ae4f5683423b4742bf1c978238f16cbe39d652de3fdb8befc848ad922222e04
    a4037c0713eb57a81a23f0c73473fc646cea306b4bcbc8862f8385ddfa9d4b7fa2c087e879683303ed5bdd3a
    062b3cf5b3a278a66d2a13f83f44f82ddf310ee074ab6a364597e899a0255dc164f31cc50846851df9ab4819
    5ded7ea1b1d510bd7ee74d73faf36bc31ecfa268359046f4eb879f924009438b481c6cd7889a002ed5ee382b
    c9190da6fc026e479558e4475677e9aa9e3050e2765694dfc81f56e880b96e7160c980dd98a573ea
"""
_PI_2_8062 = int("".join(_PI_HEX.split()), 16)
"""floor(2^8062 * pi), the 2016 hex digits of pi that the 8192-bit MODP prime is built from."""

_OFFSETS = {1024: 129093, 2048: 124476, 3072: 1690314, 4096: 240904, 6144: 929484, 8192: 4743158}

GENERATOR = 2


@cache
def modp_prime(bits: int) -> int:
    """The RFC 2409 / RFC 3526 MODP prime of `bits` bits (1024, 2048, 3072, 4096, 6144, 8192)."""
    pi_part = _PI_2_8062 >> (8192 - bits)
    return 2**bits - 2 ** (bits - 64) - 1 + 2**64 * (pi_part + _OFFSETS[bits])
