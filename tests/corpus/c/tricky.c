#include <openssl/evp.h>
#include <openssl/rsa.h>

/* Harder cases. A key generated through a macro is not seen: the macro body is a
 * preprocessor line, and the expansion point only names the macro. */
#define MAKE_RSA(r, b) RSA_generate_key_ex((r), (b), NULL, NULL)

static const int kBits = 3072;

void tricky(RSA *r)
{
    MAKE_RSA(r, 1024);
    RSA_generate_key_ex(r, kBits, NULL, NULL);
    EVP_PKEY *k = EVP_PKEY_Q_keygen(NULL, NULL, "EC", "P-256");
    const EVP_MD *md = EVP_get_digestbyname("MD5");
    EVP_CIPHER *c = EVP_CIPHER_fetch(NULL, "DES-EDE3-CBC", NULL);
    EVP_PKEY *d = EVP_PKEY_Q_keygen(NULL, NULL, "ED25519");
    unsigned char out[16];
    MD5((const unsigned char *)"x", 1, out);
    SHA1((const unsigned char *)"x", 1, out);
}
