//! Token headers: the JOSE algorithms this service signs with and accepts.
use serde_json::json;

/// The algorithms the verifier accepts in a token header.
pub const ACCEPTED_ALGS: &[&str] = &["ES256", "EdDSA"];

pub fn header(kid: &str) -> serde_json::Value {
    json!({ "alg": "ES384", "typ": "JWT", "kid": kid })
}

pub fn refuse(alg: &str) -> Result<(), String> {
    // "alg": "none" tokens are refused before this point
    Err(format!("unsupported alg {}, expected {}", alg, "ES384"))
}
