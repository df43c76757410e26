use openssl::ssl::{SslConnector, SslMethod, SslVersion};
use rustls::{ClientConfig, RootCertStore};
use std::sync::Arc;

pub fn legacy_connector() -> SslConnector {
    let mut builder = SslConnector::builder(SslMethod::tls()).expect("builder");
    builder.set_min_proto_version(Some(SslVersion::TLS1)).expect("version");
    builder.set_cipher_list("ECDHE-RSA-AES128-GCM-SHA256:AES128-SHA").expect("ciphers");
    builder.build()
}

pub fn modern_client(roots: RootCertStore) -> Arc<ClientConfig> {
    let config = ClientConfig::builder_with_protocol_versions(&[&rustls::version::TLS13])
        .with_root_certificates(roots)
        .with_no_client_auth();
    Arc::new(config)
}

pub fn pinned_client(roots: RootCertStore) -> ClientConfig {
    ClientConfig::builder()
        .with_protocol_versions(&[&rustls::version::TLS12, &rustls::version::TLS13])
        .expect("versions")
        .with_root_certificates(roots)
        .with_no_client_auth()
}
