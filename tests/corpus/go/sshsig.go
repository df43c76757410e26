package sshsig

import (
	"crypto"
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rsa"
	"errors"
	"math/big"
)

// hashFor picks the digest an SSH signature algorithm uses.
func hashFor(algo string) (crypto.Hash, error) {
	switch algo {
	case "rsa-sha2-512":
		return crypto.SHA512, nil
	case "rsa-sha2-256":
		return crypto.SHA256, nil
	case "ssh-rsa":
		return crypto.SHA1, nil
	}
	return 0, errors.New("sshsig: unsupported algorithm")
}

// parseECDSA builds a P-521 public key from its wire coordinates.
func parseECDSA(x, y *big.Int) *ecdsa.PublicKey {
	return &ecdsa.PublicKey{Curve: elliptic.P521(), X: x, Y: y}
}

func verifyRSA(pub *rsa.PublicKey, digest, sig []byte) error {
	return rsa.VerifyPKCS1v15(pub, crypto.SHA256, digest, sig)
}

func verifyECDSA(pub *ecdsa.PublicKey, digest []byte, r, s *big.Int) bool {
	if ecdsa.Verify(pub, digest, r, s) {
		return true
	}
	return false
}

// The crypto.Hash of a crypto.Signer is not a cryptographic use by itself:
// Hash is also the name of this local type.
type Hash struct{ Name string }

// digestOf hashes with the crypto.Hash value itself.
func digestOf(data []byte) []byte {
	h := crypto.SHA384.New()
	h.Write(data)
	return h.Sum(nil)
}
