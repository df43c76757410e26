/* Warehouse tools: words of cryptography, none of it is (one look-alike per family). */
#include <stdio.h>
#include <string.h>

struct parcel { const char *items[8]; int count; };

static void parcel_encapsulate(struct parcel *p, const char *item) { p->items[p->count++] = item; }
static double till_exchange(double amount, double rate) { return amount * rate; }
static void sign_invoice(char *out, size_t n, const char *clerk) { snprintf(out, n, "-- %s", clerk); }

void tools(struct parcel *p, char *out, size_t n)
{
    unsigned char mac[6] = {0};
    parcel_encapsulate(p, "lamp");
    printf("%.2f\n", till_exchange(12.0, 1.08));
    sign_invoice(out, n, "The Keeper");
    memset(mac, 0, sizeof mac); /* a network card's MAC address */
    /* PKCS5_PBKDF2_HMAC(pass, passlen, salt, saltlen, 1000, EVP_sha1(), 32, key) lives in the login service */
#if 0
    EVP_PKEY_encapsulate_init(ctx, NULL);
#endif
}
