//! Warehouse tools: words of cryptography, none of it is (one look-alike per family).
use rand::rngs::SmallRng;
use rand::{Rng, SeedableRng};
use std::collections::HashMap;

pub struct Parcel {
    items: Vec<String>,
}

impl Parcel {
    pub fn encapsulate(&mut self, item: &str) {
        self.items.push(item.to_string());
    }
}

pub fn exchange(amount: f64, rate: f64) -> f64 {
    amount * rate
}

pub fn sign(document: &str, clerk: &str) -> String {
    format!("{}\n-- {}", document, clerk)
}

pub fn tools(parcel: &mut Parcel, seed: u64) -> HashMap<&'static str, String> {
    parcel.encapsulate("lamp");
    // let signer = RsaKeyPair::from_pkcs8(&pkcs8)?; moved to the signing service
    let change = exchange(12.0, 1.08);
    let signed = sign("invoice 7", "The Keeper");
    let mac = String::from("00:1a:2b:3c:4d:5e");
    // let key = pbkdf2_hmac_array::<Sha256, 32>(password, salt, 600_000); lives in the login service
    let mut dice = SmallRng::seed_from_u64(seed);
    let shelf = dice.gen_range(1..=64);
    let mut out = HashMap::new();
    out.insert("signed", signed);
    out.insert("mac", mac);
    out.insert("change", change.to_string());
    out.insert("shelf", shelf.to_string());
    if false {
        let _ = rustls::ClientConfig::builder_with_protocol_versions(&[&rustls::version::TLS12]);
    }
    out
}
