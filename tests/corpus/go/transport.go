package transport

import (
	"crypto/ecdh"
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/mlkem"
	"crypto/rand"
	"crypto/tls"
	"crypto/x509"
	"math/rand/v2"

	"github.com/golang-jwt/jwt/v5"
	"golang.org/x/crypto/ssh"
)

// ServerConfig is the TLS configuration of the public API.
func ServerConfig() *tls.Config {
	return &tls.Config{
		MinVersion:       tls.VersionTLS12,
		CurvePreferences: []tls.CurveID{tls.X25519MLKEM768, tls.X25519, tls.CurveP256},
	}
}

// LegacyClient talks to the old billing system.
func LegacyClient() *tls.Config {
	cfg := &tls.Config{}
	cfg.MinVersion = tls.VersionTLS10
	cfg.CipherSuites = []uint16{tls.TLS_RSA_WITH_AES_128_CBC_SHA, tls.TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256}
	return cfg
}

// SSHConfig connects to network switches.
func SSHConfig() *ssh.ClientConfig {
	return &ssh.ClientConfig{
		Config: ssh.Config{
			KeyExchanges: []string{"curve25519-sha256", "diffie-hellman-group14-sha1"},
			Ciphers:      []string{"aes256-gcm@openssh.com"},
		},
		HostKeyAlgorithms: []string{"ssh-ed25519"},
	}
}

// Agree runs one ECDH exchange.
func Agree(peer *ecdh.PublicKey) ([]byte, error) {
	priv, err := ecdh.P384().GenerateKey(rand.Reader)
	if err != nil {
		return nil, err
	}
	return priv.ECDH(peer)
}

// Encapsulate runs ML-KEM-768 with a peer key.
func Encapsulate(encoded []byte) ([]byte, []byte, error) {
	ek, err := mlkem.NewEncapsulationKey768(encoded)
	if err != nil {
		return nil, nil, err
	}
	shared, ciphertext := ek.Encapsulate()
	return shared, ciphertext, nil
}

// SigningKey makes a P-256 key for tokens.
func SigningKey() (*ecdsa.PrivateKey, error) {
	return ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
}

// Token signs a claim set.
func Token(claims jwt.MapClaims, key *ecdsa.PrivateKey) (string, error) {
	return jwt.NewWithClaims(jwt.SigningMethodES256, claims).SignedString(key)
}

// Parse checks tokens.
func Parse(token string, keyFunc jwt.Keyfunc) (*jwt.Token, error) {
	return jwt.Parse(token, keyFunc, jwt.WithValidMethods([]string{"ES256", "RS256"}))
}

// Template is the certificate template of the internal CA.
func Template() *x509.Certificate {
	return &x509.Certificate{SignatureAlgorithm: x509.ECDSAWithSHA384}
}

// SessionID returns a predictable identifier (for logs only).
func SessionID() uint64 {
	return rand.Uint64()
}

// ResetToken is used in password-reset links.
func ResetToken() uint64 {
	token := rand.Uint64()
	return token
}
