/* ML-KEM-768 with OpenSSL 3.5: the receiver's key pair and an encapsulation to it. */
#include <openssl/evp.h>

int kem_to_self(unsigned char *wrapped, size_t *wrappedlen, unsigned char *secret, size_t *secretlen)
{
    EVP_PKEY *key = EVP_PKEY_Q_keygen(NULL, NULL, "ML-KEM-768");
    EVP_PKEY_CTX *ctx = EVP_PKEY_CTX_new_from_pkey(NULL, key, NULL);
    int ok = ctx != NULL
        && EVP_PKEY_encapsulate_init(ctx, NULL) > 0
        && EVP_PKEY_encapsulate(ctx, wrapped, wrappedlen, secret, secretlen) > 0;
    EVP_PKEY_CTX_free(ctx);
    EVP_PKEY_free(key);
    return ok;
}

int unwrap(EVP_PKEY *received, unsigned char *secret, size_t *secretlen, const unsigned char *wrapped, size_t wrappedlen)
{
    EVP_PKEY *mine = EVP_PKEY_Q_keygen(NULL, NULL, "ML-KEM-1024");
    EVP_PKEY_CTX *dctx = EVP_PKEY_CTX_new(mine, NULL);
    int ok = dctx != NULL
        && EVP_PKEY_decapsulate_init(dctx, NULL) > 0
        && EVP_PKEY_decapsulate(dctx, secret, secretlen, wrapped, wrappedlen) > 0;
    EVP_PKEY_CTX_free(dctx);
    EVP_PKEY_free(mine);
    return ok;
}
