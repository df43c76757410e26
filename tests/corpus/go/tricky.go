package corpus

import (
	"crypto/elliptic"
	crand "crypto/rand"
	r "crypto/rsa"
	stdecdsa "crypto/ecdsa"
)

func Tricky(big bool) {
	k, _ := r.GenerateKey(crand.Reader, 2048)
	curve := elliptic.P256()
	if big {
		curve = elliptic.P521()
	}
	e, _ := stdecdsa.GenerateKey(curve, crand.Reader)
	_, _ = k, e
}
