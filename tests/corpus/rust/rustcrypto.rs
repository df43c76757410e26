use ed25519_dalek::SigningKey;
use p256::ecdsa::SigningKey as P256Key;
use rand::rngs::OsRng;
use rsa::RsaPrivateKey;
use sha1::{Digest, Sha1};
use x25519_dalek::EphemeralSecret;

const BITS: usize = 1024;

fn keys() {
    let mut rng = OsRng;
    let rsa = RsaPrivateKey::new(&mut rng, BITS).expect("key");
    let strong = RsaPrivateKey::new(&mut rng, 3072).expect("key");
    let p256 = P256Key::random(&mut OsRng);
    let ed = SigningKey::generate(&mut rng);
    let secret = EphemeralSecret::random_from_rng(OsRng);
    let mut hasher = Sha1::new();
    let digest = md5::compute(b"data");
    let lifetime: &'static str = "RsaPrivateKey::new(&mut rng, 512)";
    let _ = (rsa, strong, p256, ed, secret, hasher, digest, lifetime);
}
