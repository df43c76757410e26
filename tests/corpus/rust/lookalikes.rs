//! A roguelike: ciphers and signatures here are game items.
use std::collections::hash_map::DefaultHasher;
use std::hash::{Hash, Hasher};

pub struct Cipher {
    pub shift: u8,
}

impl Cipher {
    pub fn new(shift: u8) -> Self {
        Cipher { shift }
    }

    pub fn encrypt(&self, text: &str) -> String {
        text.bytes().map(|b| (b.wrapping_add(self.shift)) as char).collect()
    }
}

pub fn bucket(name: &str) -> u64 {
    let mut hasher = DefaultHasher::new();
    name.hash(&mut hasher);
    hasher.finish() % 64
}

pub fn banner() -> &'static str {
    // Sha256::digest(b"x") was the old checksum
    "signed with RS256"
}
