//! Envelope encryption and password hashing for the sync daemon.
use aes::Aes128;
use aes_gcm::aead::{Aead, KeyInit, OsRng};
use aes_gcm::{Aes256Gcm, Key, Nonce};
use argon2::{Argon2, PasswordHasher};
use chacha20poly1305::XChaCha20Poly1305;
use hkdf::Hkdf;
use hmac::{Hmac, Mac};
use rand::rngs::StdRng;
use rand::{RngCore, SeedableRng};
use sha2::{Digest, Sha256, Sha512};

type HmacSha256 = Hmac<Sha256>;

pub fn seal(key: &[u8; 32], nonce: &[u8; 12], plain: &[u8]) -> Vec<u8> {
    let cipher = Aes256Gcm::new(Key::<Aes256Gcm>::from_slice(key));
    cipher.encrypt(Nonce::from_slice(nonce), plain).expect("seal")
}

pub fn new_data_key() -> aes_gcm::Key<Aes256Gcm> {
    Aes256Gcm::generate_key(OsRng)
}

pub fn stream(key: &[u8], nonce: &[u8], plain: &[u8]) -> Vec<u8> {
    let cipher = XChaCha20Poly1305::new_from_slice(key).expect("key");
    cipher.encrypt(nonce.into(), plain).expect("seal")
}

pub fn legacy_block(key: &[u8; 16], iv: &[u8; 16], data: &mut [u8]) {
    let enc = cbc::Encryptor::<Aes128>::new(key.into(), iv.into());
    let _ = (enc, data);
}

pub fn tag(secret: &[u8], body: &[u8]) -> Vec<u8> {
    let mut mac = HmacSha256::new_from_slice(secret).expect("key");
    mac.update(body);
    mac.finalize().into_bytes().to_vec()
}

pub fn expand(ikm: &[u8]) -> [u8; 32] {
    let hk = Hkdf::<Sha256>::new(None, ikm);
    let mut okm = [0u8; 32];
    hk.expand(b"sync", &mut okm).expect("length");
    okm
}

pub fn password(password: &[u8], salt: &argon2::password_hash::SaltString) -> String {
    Argon2::default().hash_password(password, salt).expect("hash").to_string()
}

pub fn legacy_key(password: &[u8], salt: &[u8]) -> [u8; 32] {
    let mut key = [0u8; 32];
    pbkdf2::pbkdf2_hmac::<Sha256>(password, salt, 600_000, &mut key);
    key
}

pub fn digest(data: &[u8]) -> Vec<u8> {
    Sha512::digest(data).to_vec()
}

pub fn test_fixture_key() -> [u8; 32] {
    let mut rng = StdRng::seed_from_u64(7);
    let mut key = [0u8; 32];
    rng.fill_bytes(&mut key);
    key
}
