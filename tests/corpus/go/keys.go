package corpus

import (
	"crypto/ecdh"
	"crypto/ecdsa"
	"crypto/ed25519"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/rsa"
)

const legacyBits = 1024

func Keys() {
	weak, _ := rsa.GenerateKey(rand.Reader, legacyBits)
	strong, _ := rsa.GenerateKey(rand.Reader, 4096)
	curve := elliptic.P384()
	ec, _ := ecdsa.GenerateKey(curve, rand.Reader)
	ec2, _ := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	pub, priv, _ := ed25519.GenerateKey(rand.Reader)
	x, _ := ecdh.X25519().GenerateKey(rand.Reader)
	p, _ := ecdh.P256().GenerateKey(rand.Reader)
	_, _, _, _, _, _, _, _ = weak, strong, ec, ec2, pub, priv, x, p
}
