#include <openssl/evp.h>
#include <openssl/rsa.h>
#include <openssl/ec.h>

#define KEY_BITS 1024

/* RSA_generate_key_ex(rsa, 512, e, NULL) in a comment */
int RSA_generate_key_ex(RSA *rsa, int bits, BIGNUM *e, BN_GENCB *cb);

#if 0
static void old(void) { RSA_generate_key(512, 3, NULL, NULL); }
#endif

EVP_PKEY *make_rsa(void)
{
    EVP_PKEY *pkey = NULL;
    EVP_PKEY_CTX *ctx = EVP_PKEY_CTX_new_id(EVP_PKEY_RSA, NULL);
    EVP_PKEY_keygen_init(ctx);
    EVP_PKEY_CTX_set_rsa_keygen_bits(ctx, KEY_BITS);
    EVP_PKEY_keygen(ctx, &pkey);
    return pkey;
}

EVP_PKEY *make_ec(void)
{
    EVP_PKEY_CTX *pctx = EVP_PKEY_CTX_new_from_name(NULL, "EC", NULL);
    EVP_PKEY_keygen_init(pctx);
    EVP_PKEY_CTX_set_group_name(pctx, "P-384");
    return NULL;
}

void legacy(void)
{
    RSA *rsa = RSA_new();
    BIGNUM *e = BN_new();
    RSA_generate_key_ex(rsa, 2048, e, NULL);
    EC_KEY *key = EC_KEY_new_by_curve_name(NID_X9_62_prime256v1);
    EVP_PKEY *q = EVP_RSA_gen(3072);
    EVP_PKEY *x = EVP_PKEY_Q_keygen(NULL, NULL, "X25519");
    EVP_PKEY *ed = EVP_EC_gen("secp521r1");
}
