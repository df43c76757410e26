resource "aws_kms_key" "signing" {
  description              = "document signing"
  customer_master_key_spec = "RSA_2048"
  key_usage                = "SIGN_VERIFY"
}

resource "aws_kms_key" "pq" {
  key_spec  = "ML_DSA_65"
  key_usage = "SIGN_VERIFY"
}

resource "aws_acm_certificate" "site" {
  domain_name       = "example.org"
  validation_method = "DNS"
  key_algorithm     = "EC_prime256v1"
}

resource "azurerm_key_vault_key" "k" {
  name         = "k"
  key_vault_id = azurerm_key_vault.v.id
  key_type     = "RSA-HSM"
  key_size     = 3072
  key_opts     = ["sign", "verify"]
}

resource "google_kms_crypto_key" "sig" {
  name     = "sig"
  key_ring = google_kms_key_ring.r.id
  purpose  = "ASYMMETRIC_SIGN"
  version_template {
    algorithm = "EC_SIGN_P384_SHA384"
  }
}

resource "google_compute_ssl_policy" "modern" {
  name            = "modern"
  min_tls_version = "TLS_1_2"
  profile         = "MODERN"
}

variable "key_algorithm" {
  default = "RSA"
}
