/* Envelope encryption and password handling for the archive tool. */
#include <openssl/evp.h>
#include <openssl/hmac.h>
#include <openssl/kdf.h>
#include <openssl/rand.h>
#include <openssl/ssl.h>
#include <stdlib.h>
#include <string.h>

#define PBKDF2_ROUNDS 100000
#define SALT_LEN 16

int seal(const unsigned char *key, const unsigned char *in, int inlen, unsigned char *out)
{
    unsigned char iv[12];
    EVP_CIPHER_CTX *ctx = EVP_CIPHER_CTX_new();
    if (RAND_bytes(iv, sizeof(iv)) != 1)
        return -1;
    EVP_EncryptInit_ex(ctx, EVP_aes_256_gcm(), NULL, key, iv);
    int len = 0;
    EVP_EncryptUpdate(ctx, out, &len, in, inlen);
    EVP_CIPHER_CTX_free(ctx);
    return len;
}

int legacy_open(const unsigned char *key, const unsigned char *in, int inlen, unsigned char *out)
{
    EVP_CIPHER_CTX *ctx = EVP_CIPHER_CTX_new();
    EVP_DecryptInit_ex(ctx, EVP_aes_128_ecb(), NULL, key, NULL);
    int len = 0;
    EVP_DecryptUpdate(ctx, out, &len, in, inlen);
    EVP_CIPHER_CTX_free(ctx);
    return len;
}

int password_key(const char *password, unsigned char *key)
{
    unsigned char salt[SALT_LEN];
    RAND_bytes(salt, SALT_LEN);
    return PKCS5_PBKDF2_HMAC(password, (int)strlen(password), salt, SALT_LEN, PBKDF2_ROUNDS, EVP_sha256(), 32, key);
}

int openssl_enc_compat(const char *password, unsigned char *key, unsigned char *iv)
{
    return EVP_BytesToKey(EVP_aes_256_cbc(), EVP_md5(), NULL, (const unsigned char *)password, (int)strlen(password), 1, key, iv);
}

unsigned char *tag(const void *key, int keylen, const unsigned char *data, size_t n, unsigned int *len)
{
    return HMAC(EVP_sha512(), key, keylen, data, n, NULL, len);
}

EVP_KDF *hkdf(void)
{
    return EVP_KDF_fetch(NULL, "HKDF", NULL);
}

SSL_CTX *client_context(void)
{
    SSL_CTX *ctx = SSL_CTX_new(TLS_client_method());
    SSL_CTX_set_min_proto_version(ctx, TLS1_2_VERSION);
    SSL_CTX_set_cipher_list(ctx, "ECDHE-RSA-AES256-GCM-SHA384:ECDHE-ECDSA-AES256-GCM-SHA384");
    SSL_CTX_set1_groups_list(ctx, "X25519MLKEM768:X25519");
    return ctx;
}

SSL_CTX *old_device_context(void)
{
    return SSL_CTX_new(TLSv1_client_method());
}

void weak_session_id(unsigned char *session_token, size_t n)
{
    for (size_t i = 0; i < n; i++)
        session_token[i] = (unsigned char)(rand() & 0xff);
}

int dice(void)
{
    return rand() % 6 + 1;
}
