#ifndef CORPUS_NEGATIVES_H
#define CORPUS_NEGATIVES_H

/* Declarations with OpenSSL names are not uses. */
int RSA_generate_key_ex(RSA *rsa, int bits, BIGNUM *e, BN_GENCB *cb);
unsigned char *MD5(const unsigned char *d, size_t n, unsigned char *md);
const char *const HELP = "EVP_PKEY_CTX_new_id(EVP_PKEY_RSA, NULL)";
// EC_KEY_new_by_curve_name(NID_secp224r1);
#define LOOKS_LIKE "SHA1(x, y, z)"
char quote = '"';
const char *after = "RSA_generate_key(512, 3, 0, 0)";

static inline int my_MD5(int x) { return x; }

#endif
