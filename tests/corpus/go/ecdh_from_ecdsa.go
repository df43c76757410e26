// An ECDSA key turned into an ECDH key (Go 1.20+ (*ecdsa.PrivateKey).ECDH) is generated for
// key agreement; one that is not stays an ECDSA key.
package agree

import (
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
)

func Agree(peer []byte) ([]byte, error) {
	priv, err := ecdsa.GenerateKey(elliptic.P384(), rand.Reader)
	if err != nil {
		return nil, err
	}
	own, err := priv.ECDH()
	if err != nil {
		return nil, err
	}
	_ = own
	return nil, nil
}

func SignKey() (*ecdsa.PrivateKey, error) {
	return ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
}
