#include <openssl/evp.h>
#include <openssl/hmac.h>
#include <string>

namespace corpus {

std::string describe() { return R"(MD5(buf, n, out))"; }

void digest(const unsigned char *buf, size_t n, unsigned char *out)
{
    MD5(buf, n, out);
    const EVP_MD *md = EVP_sha1();
    EVP_MD *fetched = EVP_MD_fetch(nullptr, "SHA2-256", nullptr);
    unsigned int len = 0;
    HMAC(EVP_md5(), "k", 1, buf, n, out, &len);
}

void encrypt(EVP_CIPHER_CTX *c, const unsigned char *k, const unsigned char *iv)
{
    EVP_EncryptInit_ex(c, EVP_des_ede3_cbc(), nullptr, k, iv);
    EVP_EncryptInit_ex(c, EVP_aes_256_gcm(), nullptr, k, iv);
    EVP_CIPHER *rc4 = EVP_CIPHER_fetch(nullptr, "RC4", nullptr);
}

int sign(EVP_PKEY *pkey, RSA *rsa, unsigned char *m, unsigned int mlen, unsigned char *sig, unsigned int *siglen)
{
    EVP_PKEY_CTX *ctx = EVP_PKEY_CTX_new_id(EVP_PKEY_ED25519, nullptr);
    EVP_PKEY_sign_init(ctx);
    return RSA_sign(NID_sha1, m, mlen, sig, siglen, rsa);
}

int derive(EC_KEY *key, const EC_POINT *peer, unsigned char *out)
{
    return ECDH_compute_key(out, 32, peer, key, nullptr);
}

}  // namespace corpus
