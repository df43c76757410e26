import paramiko
import rsa
from ecdsa import NIST384p, SigningKey
from nacl.public import PrivateKey
from nacl.signing import SigningKey as NaclSigningKey
from OpenSSL import crypto

host = paramiko.RSAKey.generate(bits=2048)
pub, priv = rsa.newkeys(512)
sk = SigningKey.generate(curve=NIST384p)
box = PrivateKey.generate()
signing = NaclSigningKey.generate()
pkey = crypto.PKey()
pkey.generate_key(crypto.TYPE_RSA, 2048)
