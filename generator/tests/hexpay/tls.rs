//! TLS on the wire: a real TLS server on loopback, with a certificate
//! authority and leaf certificates made by the test. What the client
//! trusts by default (Mozilla's roots) refuses them; the CA added on the
//! builder makes the same server trusted; a certificate for another host,
//! an expired or not yet valid one and a server that speaks only TLS 1.0
//! or 1.1 are refused before any request is sent, as TLS failures that are
//! not retried.

use std::net::SocketAddr;
use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};

use hexpay::{Certificate, Error, TlsRoots};
use rcgen::{BasicConstraints, CertificateParams, IsCa, Issuer, KeyPair, KeyUsagePurpose};
use rustls::pki_types::{CertificateDer, PrivateKeyDer, PrivatePkcs8KeyDer};
use tokio::io::{AsyncReadExt as _, AsyncWriteExt as _};

use crate::common::{PAYMENT_ID, fast_retries, header_of, payment_json, read_request};

/// The host name the client is sent to; the test's resolver maps it to
/// the loopback server.
const HOST: &str = "api.hexpay.test";

/// A certificate authority made for one test.
struct Authority {
    pem: String,
    issuer: Issuer<'static, KeyPair>,
}

impl Authority {
    fn new(name: &str) -> Authority {
        let mut params = CertificateParams::new(Vec::<String>::new()).unwrap();
        params
            .distinguished_name
            .push(rcgen::DnType::CommonName, name);
        params.is_ca = IsCa::Ca(BasicConstraints::Unconstrained);
        params.key_usages = vec![KeyUsagePurpose::KeyCertSign, KeyUsagePurpose::CrlSign];
        let key = KeyPair::generate().unwrap();
        let cert = params.self_signed(&key).unwrap();
        Authority {
            pem: cert.pem(),
            issuer: Issuer::new(params, key),
        }
    }

    /// A leaf certificate for `names`, valid from `days_valid.0` to
    /// `days_valid.1` days from now, and its key.
    fn leaf(
        &self,
        names: &[&str],
        days_valid: (i64, i64),
    ) -> (CertificateDer<'static>, PrivateKeyDer<'static>) {
        let mut params =
            CertificateParams::new(names.iter().map(|n| n.to_string()).collect::<Vec<_>>())
                .unwrap();
        let now = std::time::SystemTime::now();
        let day = std::time::Duration::from_secs(86_400);
        let at = |days: i64| {
            if days >= 0 {
                now + day * days as u32
            } else {
                now - day * (-days) as u32
            }
        };
        params.not_before = at(days_valid.0).into();
        params.not_after = at(days_valid.1).into();
        let key = KeyPair::generate().unwrap();
        let cert = params.signed_by(&key, &self.issuer).unwrap();
        (
            cert.der().clone(),
            PrivateKeyDer::Pkcs8(PrivatePkcs8KeyDer::from(key.serialize_der())),
        )
    }

    fn certificate(&self) -> Certificate {
        Certificate::from_pem(self.pem.as_bytes()).unwrap()
    }
}

/// A TLS server on loopback that answers every request with a payment.
struct TlsServer {
    addr: SocketAddr,
    handshakes: Arc<AtomicUsize>,
    requests: Arc<std::sync::Mutex<Vec<String>>>,
}

impl TlsServer {
    async fn start(
        chain: Vec<CertificateDer<'static>>,
        key: PrivateKeyDer<'static>,
        versions: &[&'static rustls::SupportedProtocolVersion],
    ) -> TlsServer {
        let provider = Arc::new(rustls::crypto::ring::default_provider());
        let mut config = rustls::ServerConfig::builder_with_provider(provider)
            .with_protocol_versions(versions)
            .unwrap()
            .with_no_client_auth()
            .with_single_cert(chain, key)
            .unwrap();
        config.alpn_protocols = vec![b"http/1.1".to_vec()];
        let acceptor = tokio_rustls::TlsAcceptor::from(Arc::new(config));
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
        let addr = listener.local_addr().unwrap();
        let handshakes = Arc::new(AtomicUsize::new(0));
        let requests = Arc::new(std::sync::Mutex::new(Vec::new()));
        let (done, seen) = (handshakes.clone(), requests.clone());
        tokio::spawn(async move {
            while let Ok((stream, _)) = listener.accept().await {
                let (acceptor, done, seen) = (acceptor.clone(), done.clone(), seen.clone());
                tokio::spawn(async move {
                    let Ok(mut stream) = acceptor.accept(stream).await else {
                        return;
                    };
                    done.fetch_add(1, Ordering::SeqCst);
                    let request = read_request(&mut stream).await;
                    seen.lock().unwrap().push(request);
                    let body = payment_json("completed").to_string();
                    let reply = format!(
                        "HTTP/1.1 200 OK\r\ncontent-type: application/json\r\ncontent-length: {}\r\nconnection: close\r\n\r\n{body}",
                        body.len()
                    );
                    let _ = stream.write_all(reply.as_bytes()).await;
                    let _ = stream.shutdown().await;
                });
            }
        });
        TlsServer {
            addr,
            handshakes,
            requests,
        }
    }

    /// A server for `HOST` whose certificate `authority` signed.
    async fn signed_by(authority: &Authority) -> TlsServer {
        let (leaf, key) = authority.leaf(&[HOST], (-1, 30));
        TlsServer::start(
            vec![leaf],
            key,
            &[&rustls::version::TLS13, &rustls::version::TLS12],
        )
        .await
    }

    fn requests(&self) -> Vec<String> {
        self.requests.lock().unwrap().clone()
    }
}

/// A client for `https://HOST:port`, resolved to `addr`, with fast retries.
fn builder(addr: SocketAddr) -> hexpay::ClientBuilder {
    hexpay::Client::builder()
        .base_url(format!("https://{HOST}:{}", addr.port()))
        .bearer_token("test-token")
        .retry_policy(fast_retries())
        .configure_http(move |http| http.resolve(HOST, addr))
}

/// The call's error, which must be a TLS refusal made once.
async fn refused(client: hexpay::Client) -> String {
    let err = client.get_payment(PAYMENT_ID.to_owned()).await.unwrap_err();
    let Error::Transport(transport) = &err else {
        panic!("expected a transport error, got {err:?}");
    };
    assert!(transport.is_tls(), "not seen as TLS: {err}");
    assert!(!transport.sent, "nothing was sent: {err}");
    assert!(!err.is_retryable(), "a refused handshake refuses again");
    assert_eq!(err.attempts(), 1, "not retried: {err}");
    let message = err.to_string();
    assert!(message.contains("TLS: "), "{message}");
    message
}

#[tokio::test]
async fn a_certificate_from_an_unknown_authority_is_refused() {
    let authority = Authority::new("Test CA");
    let server = TlsServer::signed_by(&authority).await;
    let message = refused(builder(server.addr).build().unwrap()).await;
    assert!(
        message.contains("not signed by a trusted root")
            && message.contains("add_root_certificate"),
        "{message}"
    );
    assert_eq!(server.handshakes.load(Ordering::SeqCst), 0);
    assert!(server.requests().is_empty());
    // The platform's verifier does not know the test's CA either.
    let message = refused(
        builder(server.addr)
            .tls_roots(TlsRoots::Platform)
            .build()
            .unwrap(),
    )
    .await;
    assert!(
        message.contains("not signed by a trusted root"),
        "{message}"
    );
    assert!(server.requests().is_empty());
}

#[tokio::test]
async fn the_same_server_is_trusted_once_its_authority_is_added() {
    let authority = Authority::new("Test CA");
    let server = TlsServer::signed_by(&authority).await;
    for roots in [TlsRoots::Bundled, TlsRoots::Added, TlsRoots::Platform] {
        let client = builder(server.addr)
            .tls_roots(roots)
            .add_root_certificate(authority.certificate())
            .build()
            .unwrap();
        let payment = client
            .get_payment(PAYMENT_ID.to_owned())
            .await
            .unwrap_or_else(|e| panic!("{roots:?}: {e}"));
        assert_eq!(payment.id.to_string(), PAYMENT_ID);
    }
    let requests = server.requests();
    assert_eq!(requests.len(), 3);
    for request in &requests {
        assert!(
            request.starts_with(&format!("GET /v1/payments/{PAYMENT_ID} HTTP/1.1\r\n")),
            "{request}"
        );
        assert_eq!(
            header_of(request, "host").as_deref(),
            Some(format!("{HOST}:{}", server.addr.port()).as_str())
        );
        assert_eq!(
            header_of(request, "authorization").as_deref(),
            Some("Bearer test-token")
        );
    }
}

#[tokio::test]
async fn a_bundle_of_roots_is_read_whole() {
    let (other, authority) = (Authority::new("Other CA"), Authority::new("Test CA"));
    let server = TlsServer::signed_by(&authority).await;
    let bundle = format!("{}\n{}", other.pem, authority.pem);
    let roots = Certificate::from_pem_bundle(bundle.as_bytes()).unwrap();
    assert_eq!(roots.len(), 2);
    assert!(
        Certificate::from_pem(bundle.as_bytes()).is_err(),
        "two, not one"
    );
    let client = builder(server.addr)
        .tls_roots(TlsRoots::Added)
        .add_root_certificates(roots)
        .build()
        .unwrap();
    client.get_payment(PAYMENT_ID.to_owned()).await.unwrap();
}

/// Certificates the trusted CA signed that still must not be accepted.
#[tokio::test]
async fn a_certificate_for_another_host_or_out_of_date_is_refused() {
    let authority = Authority::new("Test CA");
    for (names, days_valid, says) in [
        (["elsewhere.example"], (-1, 30), "another host name"),
        ([HOST], (-30, -1), "validity period"),
        ([HOST], (1, 30), "validity period"),
    ] {
        let (leaf, key) = authority.leaf(&names, days_valid);
        let server = TlsServer::start(
            vec![leaf],
            key,
            &[&rustls::version::TLS13, &rustls::version::TLS12],
        )
        .await;
        let message = refused(
            builder(server.addr)
                .add_root_certificate(authority.certificate())
                .build()
                .unwrap(),
        )
        .await;
        assert!(
            message.contains(says),
            "{names:?} {days_valid:?}: {message}"
        );
        assert!(server.requests().is_empty());
    }
}

#[tokio::test]
async fn tls_1_2_alone_is_still_accepted() {
    let authority = Authority::new("Test CA");
    let (leaf, key) = authority.leaf(&[HOST], (-1, 30));
    let server = TlsServer::start(vec![leaf], key, &[&rustls::version::TLS12]).await;
    let client = builder(server.addr)
        .add_root_certificate(authority.certificate())
        .build()
        .unwrap();
    client.get_payment(PAYMENT_ID.to_owned()).await.unwrap();
    assert_eq!(server.requests().len(), 1);
}

/// The TLS versions a ClientHello offers (its `supported_versions`
/// extension, or its legacy version when it has none), as `0x0303`-style
/// numbers.
fn offered_versions(hello: &[u8]) -> Vec<u16> {
    let u16_at = |i: usize| u16::from_be_bytes([hello[i], hello[i + 1]]);
    // Record header (5), handshake header (4), then the ClientHello.
    assert_eq!(hello[0], 0x16, "a handshake record");
    assert_eq!(hello[5], 0x01, "a ClientHello");
    let legacy = u16_at(9);
    let mut i = 9 + 2 + 32;
    i += 1 + hello[i] as usize; // session id
    i += 2 + u16_at(i) as usize; // cipher suites
    i += 1 + hello[i] as usize; // compression methods
    let end = i + 2 + u16_at(i) as usize;
    i += 2;
    while i + 4 <= end {
        let (kind, len) = (u16_at(i), u16_at(i + 2) as usize);
        if kind == 0x002b {
            let list = &hello[i + 5..i + 5 + hello[i + 4] as usize];
            return list
                .chunks(2)
                .map(|c| u16::from_be_bytes([c[0], c[1]]))
                .collect();
        }
        i += 4 + len;
    }
    vec![legacy]
}

/// A server that can speak only an old TLS version: it reads the
/// ClientHello and answers with a ServerHello of `version` (rustls, on
/// either side, cannot offer TLS 1.0 or 1.1 at all, so the server is
/// written byte by byte).
async fn old_tls_server(version: u16) -> (SocketAddr, Arc<std::sync::Mutex<Vec<Vec<u8>>>>) {
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let addr = listener.local_addr().unwrap();
    let hellos = Arc::new(std::sync::Mutex::new(Vec::new()));
    let seen = hellos.clone();
    tokio::spawn(async move {
        while let Ok((mut stream, _)) = listener.accept().await {
            let seen = seen.clone();
            tokio::spawn(async move {
                let mut hello = vec![0u8; 5];
                if stream.read_exact(&mut hello).await.is_err() {
                    return;
                }
                let len = u16::from_be_bytes([hello[3], hello[4]]) as usize;
                hello.resize(5 + len, 0);
                if stream.read_exact(&mut hello[5..]).await.is_err() {
                    return;
                }
                seen.lock().unwrap().push(hello);
                // ServerHello: version, random, no session id,
                // TLS_RSA_WITH_AES_128_CBC_SHA, no compression.
                let [major, minor] = version.to_be_bytes();
                let mut body = vec![major, minor];
                body.extend_from_slice(&[7u8; 32]);
                body.extend_from_slice(&[0, 0x00, 0x2f, 0]);
                let mut handshake = vec![0x02, 0, 0, body.len() as u8];
                handshake.extend_from_slice(&body);
                let mut record = vec![0x16, major, minor, 0, handshake.len() as u8];
                record.extend_from_slice(&handshake);
                let _ = stream.write_all(&record).await;
                // Whatever the client says next (an alert), then close.
                let mut rest = [0u8; 64];
                let _ = stream.read(&mut rest).await;
            });
        }
    });
    (addr, hellos)
}

#[tokio::test]
async fn a_server_that_speaks_only_tls_1_0_or_1_1_is_refused() {
    for (version, name) in [(0x0301u16, "TLS 1.0"), (0x0302, "TLS 1.1")] {
        let (addr, hellos) = old_tls_server(version).await;
        let message = refused(builder(addr).build().unwrap()).await;
        assert!(
            message.contains("no TLS version or cipher this client accepts"),
            "{name}: {message}"
        );
        let hellos = hellos.lock().unwrap();
        assert_eq!(hellos.len(), 1, "{name}: one handshake, not retried");
        let mut offered = offered_versions(&hellos[0]);
        offered.retain(|v| v & 0x0f0f != 0x0a0a); // GREASE values
        offered.sort_unstable();
        assert_eq!(offered, [0x0303, 0x0304], "TLS 1.2 and 1.3 only");
    }
}

#[test]
fn roots_that_cannot_work_are_refused_when_the_client_is_built() {
    let invalid = |b: hexpay::ClientBuilder| match b.build() {
        Err(Error::InvalidRequest(e)) => e.to_string(),
        other => panic!("expected a configuration error, got {other:?}"),
    };
    let base = || {
        hexpay::Client::builder()
            .base_url("https://api.hexpay.test")
            .bearer_token("t")
    };
    let message = invalid(base().tls_roots(TlsRoots::Added));
    assert!(message.contains("none was added"), "{message}");
    let message = invalid(base().add_root_certificate(Certificate::from_der(b"not DER".to_vec())));
    assert!(
        message.contains("certificate 1 cannot be a root"),
        "{message}"
    );
    // A client of the caller's own (this crate's reqwest has no crypto
    // provider of its own: the caller installs one).
    let _ = rustls::crypto::ring::default_provider().install_default();
    let own = hexpay::reqwest::Client::builder().build().unwrap();
    let message = invalid(
        base()
            .add_root_certificate(Authority::new("Test CA").certificate())
            .http_client(own),
    );
    assert!(message.contains("with `http_client`"), "{message}");
    for text in [
        "",
        "not PEM",
        "-----BEGIN CERTIFICATE-----\n!!!\n-----END CERTIFICATE-----\n",
    ] {
        let err = Certificate::from_pem(text.as_bytes()).unwrap_err();
        assert!(err.to_string().contains("root certificate"), "{err}");
    }
}
