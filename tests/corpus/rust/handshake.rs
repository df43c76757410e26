//! Handshake policy for the replication link: which TLS versions, suites, groups and
//! signature schemes the peer may pick, and the key schedule of the resumption tickets.
use ring::{hkdf, pbkdf2, signature::{self, EcdsaKeyPair, Ed25519KeyPair}};
use rustls::{CipherSuite, NamedGroup, ProtocolVersion, SignatureScheme};
use std::num::NonZeroU32;

pub fn acceptable_version(v: ProtocolVersion) -> bool {
    matches!(v, ProtocolVersion::TLSv1_3 | ProtocolVersion::TLSv1_2)
}

pub fn preferred_suites() -> Vec<CipherSuite> {
    vec![
        CipherSuite::TLS13_AES_256_GCM_SHA384,
        CipherSuite::TLS13_CHACHA20_POLY1305_SHA256,
    ]
}

pub fn peer_schemes() -> &'static [SignatureScheme] {
    &[
        SignatureScheme::ECDSA_NISTP384_SHA384,
        SignatureScheme::RSA_PSS_SHA256,
        SignatureScheme::ED25519,
    ]
}

pub fn wanted_group(g: NamedGroup) -> bool {
    g == NamedGroup::X25519
}

/// The ticket key is derived with the hash of the negotiated suite, passed in.
pub fn ticket_key(alg: hkdf::Algorithm, salt: &[u8], secret: &[u8]) -> hkdf::Prk {
    hkdf::Salt::new(alg, salt).extract(secret)
}

pub fn admin_password_hash(password: &[u8], salt: &[u8], out: &mut [u8; 32]) {
    let iterations = NonZeroU32::new(600_000).unwrap();
    pbkdf2::derive(pbkdf2::PBKDF2_HMAC_SHA256, iterations, salt, password, out);
}

pub fn load_node_key(pkcs8: &[u8]) -> Result<EcdsaKeyPair, ring::error::KeyRejected> {
    let rng = ring::rand::SystemRandom::new();
    EcdsaKeyPair::from_pkcs8(&signature::ECDSA_P384_SHA384_ASN1_SIGNING, pkcs8, &rng)
}

pub fn load_release_key(pkcs8: &[u8]) -> Result<Ed25519KeyPair, ring::error::KeyRejected> {
    Ed25519KeyPair::from_pkcs8(pkcs8)
}

// Not TLS: a version enum of our own wire protocol that reuses the word.
pub enum WireProtocolVersion { V1, V2 }
