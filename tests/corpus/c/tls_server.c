/* TLS server context set-up for the admin listener (OpenSSL 1.1 API). */
#include <openssl/ssl.h>
#include <openssl/dh.h>
#include <openssl/ec.h>
#include <openssl/sha.h>

static DH *load_dh_params(const char *path);

SSL_CTX *admin_tls_context(const char *cert, const char *key, const char *dhparam)
{
    SSL_CTX *ctx = SSL_CTX_new(TLS_server_method());
    if (ctx == NULL)
        return NULL;
    SSL_CTX_set_min_proto_version(ctx, TLS1_2_VERSION);

    DH *dh = load_dh_params(dhparam);
    if (dh != NULL) {
        SSL_CTX_set_tmp_dh(ctx, dh);
        DH_free(dh);
    }

    EC_KEY *ecdh = EC_KEY_new_by_curve_name(NID_secp384r1);
    SSL_CTX_set_tmp_ecdh(ctx, ecdh);
    EC_KEY_free(ecdh);

    /* SSL_CTX_set_tmp_dh(ctx, NULL) would disable DHE: not done here. */
    return ctx;
}

/* Session id context: a SHA-1 of the listener name, computed in three steps. */
void session_context(const char *name, size_t len, unsigned char out[SHA_DIGEST_LENGTH])
{
    SHA_CTX sha;
    SHA1_Init(&sha);
    SHA1_Update(&sha, name, len);
    SHA1_Final(out, &sha);
}

/* A struct that happens to be called dh_params in the metrics code. */
struct dh_params { int hits; int misses; };
