//! ML-KEM-768 key establishment with RustCrypto's ml-kem 0.2.
use ml_kem::kem::{Decapsulate, Encapsulate};
use ml_kem::{KemCore, MlKem768};
use rand::rngs::OsRng;

pub fn establish() -> bool {
    let mut rng = OsRng;
    let (dk, ek) = MlKem768::generate(&mut rng);
    let (ct, k_send) = ek.encapsulate(&mut rng).unwrap();
    let k_recv = dk.decapsulate(&ct).unwrap();
    k_send == k_recv
}
