from Crypto.PublicKey import RSA, ECC
from Crypto.Cipher import DES3, PKCS1_OAEP, AES
from Crypto.Signature import pkcs1_15
from Crypto.Hash import SHA1

key = RSA.generate(2048)
small = RSA.generate(bits=1024)
ecc = ECC.generate(curve="P-256")
ed = ECC.generate(curve="Ed25519")
cipher = PKCS1_OAEP.new(key)
tdes = DES3.new(b"0" * 24, DES3.MODE_CBC)
aes = AES.new(b"0" * 32, AES.MODE_GCM)
signer = pkcs1_15.new(key)
h = SHA1.new(b"data")
