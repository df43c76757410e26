// RsaPrivateKey::new(&mut rng, 512) in a comment
/* nested /* block */ md5::compute(b"x") still a comment */
struct RsaPrivateKey;

impl RsaPrivateKey {
    fn new(_rng: &mut u8, _bits: usize) -> Self { RsaPrivateKey }
}

fn local() -> RsaPrivateKey {
    let mut r = 0u8;
    RsaPrivateKey::new(&mut r, 1024)
}

fn text<'a>(s: &'a str) -> &'a str {
    let _c = '"';
    let _raw = r#"EcdsaKeyPair::generate_pkcs8(&signature::ECDSA_P256_SHA256_ASN1_SIGNING, &rng)"#;
    s
}
