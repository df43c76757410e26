#include <sodium.h>
#include <string.h>

int share(unsigned char *ct, const unsigned char *msg, unsigned long long len,
          const unsigned char *nonce, const unsigned char *peer_pk, const unsigned char *my_sk)
{
    return crypto_box_easy(ct, msg, len, nonce, peer_pk, my_sk);
}

void identity(unsigned char *pk, unsigned char *sk)
{
    crypto_sign_keypair(pk, sk);
}

int sign_manifest(unsigned char *sig, const unsigned char *m, unsigned long long mlen, const unsigned char *sk)
{
    return crypto_sign_detached(sig, NULL, m, mlen, sk);
}

int store(unsigned char *c, const unsigned char *m, unsigned long long mlen, const unsigned char *n, const unsigned char *k)
{
    return crypto_secretbox_easy(c, m, mlen, n, k);
}

int stream(unsigned char *c, unsigned long long *clen, const unsigned char *m, unsigned long long mlen,
           const unsigned char *npub, const unsigned char *k)
{
    return crypto_aead_xchacha20poly1305_ietf_encrypt(c, clen, m, mlen, NULL, 0, NULL, npub, k);
}

int hash_password(char out[crypto_pwhash_STRBYTES], const char *password)
{
    return crypto_pwhash_str(out, password, strlen(password), crypto_pwhash_OPSLIMIT_INTERACTIVE, crypto_pwhash_MEMLIMIT_INTERACTIVE);
}

void fingerprint(unsigned char *out, const unsigned char *in, unsigned long long len)
{
    crypto_generichash(out, 32, in, len, NULL, 0);
}

void nonce(unsigned char *n)
{
    randombytes_buf(n, crypto_box_NONCEBYTES);
}
