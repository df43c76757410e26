/* An SSH client on libssh: the algorithms it offers, as libssh option strings. */
#include <stdio.h>
#include <libssh/libssh.h>

ssh_session open_session(const char *host)
{
    ssh_session session = ssh_new();
    ssh_options_set(session, SSH_OPTIONS_HOST, host);
    ssh_options_set(session, SSH_OPTIONS_KEY_EXCHANGE, "mlkem768x25519-sha256,curve25519-sha256,diffie-hellman-group14-sha256");
    ssh_options_set(session, SSH_OPTIONS_HOSTKEYS, "ssh-ed25519,rsa-sha2-512");
    ssh_options_set(session, SSH_OPTIONS_CIPHERS_C_S, "aes256-gcm@openssh.com,aes128-ctr");
    /* ssh_options_set(session, SSH_OPTIONS_KEY_EXCHANGE, "diffie-hellman-group1-sha1,diffie-hellman-group14-sha1"); */
    fprintf(stderr, "host key algorithm: %s\n", "ssh-ed25519");
    return session;
}
