package corpus

import (
	"crypto"
	"crypto/hmac"
	"crypto/md5"
	"crypto/rsa"
	"crypto/sha1"
	"crypto/sha256"
	"crypto/x509"
	mrand "math/rand"
)

func Usage(priv *rsa.PrivateKey, pub *rsa.PublicKey, digest []byte) {
	sig, _ := rsa.SignPKCS1v15(nil, priv, crypto.SHA256, digest)
	_ = rsa.VerifyPKCS1v15(pub, crypto.SHA1, digest, sig)
	ct, _ := rsa.EncryptOAEP(sha256.New(), nil, pub, digest, nil)
	sum := md5.Sum(digest)
	h := sha1.New()
	mac := hmac.New(sha256.New, []byte("k"))
	legacy := hmac.New(md5.New, []byte("k"))
	tmpl := x509.Certificate{SignatureAlgorithm: x509.SHA1WithRSA}
	_ = mrand.Intn(10)
	_, _, _, _, _, _, _ = ct, sum, h, mac, legacy, tmpl, sig
}
