//! Serving HTTPS directly with rustls (deployments without a reverse proxy): a certificate from a
//! test CA, a real TLS client that trusts only that CA, Secure cookies and HSTS.
use std::sync::Arc;

use rcgen::{BasicConstraints, CertificateParams, CertifiedIssuer, IsCa, KeyPair};
use tokio::io::{AsyncReadExt, AsyncWriteExt};

use crate::harness::TestApp;

#[tokio::test]
async fn serves_https_with_secure_cookies_and_hsts() {
    let app = TestApp::spawn().await;
    let mut ca_params = CertificateParams::new(Vec::<String>::new()).unwrap();
    ca_params.is_ca = IsCa::Ca(BasicConstraints::Unconstrained);
    let ca = CertifiedIssuer::self_signed(ca_params, KeyPair::generate().unwrap()).unwrap();
    let leaf_key = KeyPair::generate().unwrap();
    let leaf = CertificateParams::new(vec!["localhost".to_string()])
        .unwrap()
        .signed_by(&leaf_key, &ca)
        .unwrap();
    let dir = app.db.dir.path();
    let (cert_path, key_path) = (dir.join("cert.pem"), dir.join("key.pem"));
    std::fs::write(&cert_path, leaf.pem()).unwrap();
    std::fs::write(&key_path, leaf_key.serialize_pem()).unwrap();

    let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    listener.set_nonblocking(true).unwrap();
    let addr = listener.local_addr().unwrap();
    let state = haven::start(
        app.haven.clone(),
        haven::ServeOptions {
            web: haven_web::WebConfig {
                tls: true,
                trust_proxy: false,
                public_url: None,
                api_requests_per_minute: 0,
            },
            smtp: None,
            base_url: format!("https://{addr}"),
            background_every: None,
        },
    )
    .unwrap();
    let server =
        tokio::spawn(
            async move { haven_web::serve_tls(listener, state, &cert_path, &key_path).await },
        );

    let mut roots = rustls::RootCertStore::empty();
    roots.add(ca.der().clone()).unwrap();
    let config = rustls::ClientConfig::builder_with_provider(Arc::new(
        rustls::crypto::ring::default_provider(),
    ))
    .with_safe_default_protocol_versions()
    .unwrap()
    .with_root_certificates(roots)
    .with_no_client_auth();
    let connector = tokio_rustls::TlsConnector::from(Arc::new(config));
    let mut response = String::new();
    for _ in 0..50 {
        let Ok(tcp) = tokio::net::TcpStream::connect(addr).await else {
            tokio::time::sleep(std::time::Duration::from_millis(50)).await;
            continue;
        };
        let name = rustls::pki_types::ServerName::try_from("localhost").unwrap();
        let mut tls = connector
            .connect(name, tcp)
            .await
            .expect("TLS handshake with the test CA");
        tls.write_all(b"GET /login HTTP/1.1\r\nHost: localhost\r\nConnection: close\r\n\r\n")
            .await
            .unwrap();
        let mut buf = Vec::new();
        tls.read_to_end(&mut buf).await.ok();
        response = String::from_utf8_lossy(&buf).into_owned();
        break;
    }
    server.abort();
    let lower = response.to_lowercase();
    assert!(lower.starts_with("http/1.1 200"), "{response}");
    assert!(
        lower.contains("strict-transport-security: max-age="),
        "HSTS over TLS"
    );
    assert!(
        lower.contains("set-cookie: haven_pre=") && lower.contains("; secure"),
        "cookies are Secure over TLS"
    );
}
