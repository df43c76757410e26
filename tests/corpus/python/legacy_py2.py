# A Python 2 file: ast cannot parse it, the tokenizer fallback still reads it.
import hashlib
from Crypto.PublicKey import RSA

print "generating"
key = RSA.generate(1024)
digest = hashlib.md5("x").hexdigest()
# hashlib.sha1("comment")
