package vault

import (
	"crypto/aes"
	"crypto/cipher"
	"crypto/hmac"
	"crypto/rand"
	"crypto/sha256"
	"crypto/sha512"
	"errors"
	"io"

	"golang.org/x/crypto/argon2"
	"golang.org/x/crypto/chacha20poly1305"
	"golang.org/x/crypto/hkdf"
	"golang.org/x/crypto/nacl/secretbox"
	"golang.org/x/crypto/pbkdf2"
	"golang.org/x/crypto/sha3"
)

const keySize = 32

// Seal encrypts a record with a fresh data key.
func Seal(plain []byte) ([]byte, []byte, error) {
	key := make([]byte, keySize)
	if _, err := rand.Read(key); err != nil {
		return nil, nil, err
	}
	block, err := aes.NewCipher(key)
	if err != nil {
		return nil, nil, err
	}
	gcm, err := cipher.NewGCM(block)
	if err != nil {
		return nil, nil, err
	}
	nonce := make([]byte, gcm.NonceSize())
	if _, err := io.ReadFull(rand.Reader, nonce); err != nil {
		return nil, nil, err
	}
	return key, gcm.Seal(nonce, nonce, plain, nil), nil
}

// LegacyOpen reads files written by version 1 (AES-CBC).
func LegacyOpen(key, iv, data []byte) ([]byte, error) {
	block, err := aes.NewCipher(key)
	if err != nil {
		return nil, err
	}
	if len(data)%aes.BlockSize != 0 {
		return nil, errors.New("bad length")
	}
	out := make([]byte, len(data))
	cipher.NewCBCDecrypter(block, iv).CryptBlocks(out, data)
	return out, nil
}

// Stream uses XChaCha20-Poly1305 for large nonces.
func Stream(key, nonce, plain []byte) ([]byte, error) {
	aead, err := chacha20poly1305.NewX(key)
	if err != nil {
		return nil, err
	}
	return aead.Seal(nil, nonce, plain, nil), nil
}

// Box is the NaCl secretbox used by the agent.
func Box(key *[32]byte, nonce *[24]byte, msg []byte) []byte {
	return secretbox.Seal(nil, msg, nonce, key)
}

// Sign authenticates webhook bodies.
func Sign(secret, body []byte) []byte {
	mac := hmac.New(sha512.New, secret)
	mac.Write(body)
	return mac.Sum(nil)
}

// Derive expands a shared secret into session keys.
func Derive(secret, salt []byte) io.Reader {
	return hkdf.New(sha256.New, secret, salt, []byte("session"))
}

// Password hashes a password for storage.
func Password(password, salt []byte) []byte {
	return argon2.IDKey(password, salt, 1, 64*1024, 4, 32)
}

// Legacy derives keys the way the first release did.
func Legacy(password, salt []byte) []byte {
	return pbkdf2.Key(password, salt, 4096, 32, sha256.New)
}

// Digest names content.
func Digest(data []byte) [64]byte {
	return sha3.Sum512(data)
}
