# Keys and certificates declared as infrastructure
resource "tls_private_key" "ca" {
  algorithm = "ECDSA"
}

resource "tls_private_key" "web" {
  algorithm = "RSA"
  rsa_bits  = 4096
}

resource "tls_private_key" "ssh" {
  algorithm = "ED25519"
}

resource "tls_self_signed_cert" "ca" {
  private_key_pem = tls_private_key.ca.private_key_pem
  subject {
    common_name = "corpus CA"
  }
  validity_period_hours = 87600
  allowed_uses = ["cert_signing"]
}

/* resource "tls_private_key" "old" { algorithm = "RSA" rsa_bits = 512 } */

resource "tls_cert_request" "web" {
  private_key_pem = tls_private_key.web.private_key_pem
  subject {
    common_name = "www.example.org"
  }
}
