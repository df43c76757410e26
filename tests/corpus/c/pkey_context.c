/* Contexts handed to the caller: what the key is used for is decided elsewhere. */
#include <openssl/evp.h>

EVP_PKEY_CTX *x25519_context(void)
{
    return EVP_PKEY_CTX_new_id(EVP_PKEY_X25519, NULL);
}

EVP_PKEY_CTX *mldsa_context(OSSL_LIB_CTX *libctx)
{
    EVP_PKEY_CTX *ctx = EVP_PKEY_CTX_new_from_name(libctx, "ML-DSA-65", NULL);
    return ctx;
}
