use ring::agreement;
use ring::rand::SystemRandom;
use ring::signature::{self, EcdsaKeyPair, Ed25519KeyPair, KeyPair};

pub fn keys() -> Result<(), ring::error::Unspecified> {
    let rng = SystemRandom::new();
    let ec = EcdsaKeyPair::generate_pkcs8(&signature::ECDSA_P256_SHA256_ASN1_SIGNING, &rng)?;
    let ed = Ed25519KeyPair::generate_pkcs8(&rng)?;
    let eph = agreement::EphemeralPrivateKey::generate(&agreement::X25519, &rng)?;
    let verify = signature::UnparsedPublicKey::new(&signature::RSA_PKCS1_2048_8192_SHA256, vec![0u8]);
    let _ = (ec, ed, eph, verify);
    Ok(())
}

pub fn sign(key: &ring::signature::RsaKeyPair, msg: &[u8], out: &mut [u8]) {
    let rng = SystemRandom::new();
    key.sign(&signature::RSA_PKCS1_SHA1_FOR_LEGACY_USE_ONLY, &rng, msg, out).unwrap();
}
