//! TLS: which certificates the client trusts, and how a refused handshake
//! is told apart from other transport failures.
//!
//! The client builds its own rustls configuration and hands it to reqwest,
//! so that what it trusts does not depend on the machine it runs on:
//! Mozilla's roots, bundled (`webpki-roots`), by default, plus any root
//! the caller adds; the platform's verifier (`TlsRoots::Platform`, with
//! the `platform-verifier` feature) when the caller asks for it. TLS 1.2
//! and 1.3 only; the crypto is ring's (aws-lc-rs with the `aws-lc-rs`
//! feature).

use std::fmt;
use std::sync::Arc;

use rustls::pki_types::CertificateDer;
use rustls::pki_types::pem::PemObject as _;

use super::error::ValidationError;

/// Which root certificates the client trusts (see
/// [`ClientBuilder::tls_roots`](super::ClientBuilder::tls_roots)).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
#[non_exhaustive]
pub enum TlsRoots {
    /// Mozilla's roots, compiled into the program (the default): the same
    /// on every machine, a minimal container without a certificate store
    /// included. Roots added with
    /// [`add_root_certificate`](super::ClientBuilder::add_root_certificate)
    /// are trusted as well.
    #[default]
    Bundled,
    /// Only the roots added with
    /// [`add_root_certificate`](super::ClientBuilder::add_root_certificate):
    /// for a server whose certificate a private CA signs, trusting nothing else.
    Added,
    /// The operating system's verifier and certificate store (on Linux,
    /// the system's CA bundle), plus the added roots: for a network whose
    /// proxy re-signs TLS with a CA that the machine's administrators
    /// install. A machine without a store then refuses every server.
    #[cfg(feature = "platform-verifier")]
    Platform,
}

/// A root certificate to trust, read from PEM or DER.
#[derive(Clone, PartialEq, Eq)]
pub struct Certificate {
    der: CertificateDer<'static>,
}

impl fmt::Debug for Certificate {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Certificate").field("der_bytes", &self.der.len()).finish()
    }
}

impl Certificate {
    /// One certificate in DER (its bytes are checked when the client is built).
    pub fn from_der(der: impl Into<Vec<u8>>) -> Certificate {
        Certificate { der: CertificateDer::from(der.into()) }
    }

    /// The one certificate of a PEM text (`-----BEGIN CERTIFICATE-----`).
    /// Fails when the text holds no certificate or more than one.
    pub fn from_pem(pem: &[u8]) -> Result<Certificate, ValidationError> {
        let mut all = Certificate::from_pem_bundle(pem)?;
        match all.len() {
            1 => Ok(all.remove(0)),
            n => Err(ValidationError::one("root certificate", format!("expected one PEM certificate, found {n}"))),
        }
    }

    /// Every certificate of a PEM text (a CA bundle). Fails when a section
    /// is not valid PEM, or when there is no certificate at all.
    pub fn from_pem_bundle(pem: &[u8]) -> Result<Vec<Certificate>, ValidationError> {
        let all = CertificateDer::pem_slice_iter(pem)
            .map(|c| c.map(|der| Certificate { der }))
            .collect::<Result<Vec<_>, _>>()
            .map_err(|e| ValidationError::one("root certificate", format!("not a PEM certificate: {e}")))?;
        if all.is_empty() {
            return Err(ValidationError::one("root certificate", "the text holds no `BEGIN CERTIFICATE` section"));
        }
        Ok(all)
    }
}

/// The crypto provider every connection uses.
///
/// rustls deprecates ring's provider (since 0.23.48) because ring has no
/// post-quantum key exchange; it stays the default here for its build
/// (no CMake, no assembler beyond the C compiler), and the `aws-lc-rs`
/// feature gives the hybrid post-quantum exchange. The deprecation is
/// allowed so that a crate holding this code as a module compiles without
/// a warning against any rustls 0.23.
#[allow(deprecated)]
fn provider() -> Arc<rustls::crypto::CryptoProvider> {
    #[cfg(feature = "aws-lc-rs")]
    return Arc::new(rustls::crypto::aws_lc_rs::default_provider());
    #[cfg(not(feature = "aws-lc-rs"))]
    Arc::new(rustls::crypto::ring::default_provider())
}

/// The rustls configuration of a client: TLS 1.2 and 1.3, `roots` plus
/// `added`, HTTP/2 and HTTP/1.1 offered by ALPN.
pub(crate) fn config(roots: TlsRoots, added: &[Certificate]) -> Result<rustls::ClientConfig, ValidationError> {
    let provider = provider();
    let builder = rustls::ClientConfig::builder_with_provider(provider.clone())
        .with_protocol_versions(&[&rustls::version::TLS13, &rustls::version::TLS12])
        .map_err(|e| ValidationError::one("TLS", e.to_string()))?;
    let store = |bundled: bool| -> Result<rustls::RootCertStore, ValidationError> {
        let mut store = rustls::RootCertStore::empty();
        if bundled {
            store.extend(webpki_roots::TLS_SERVER_ROOTS.iter().cloned());
        }
        for (i, cert) in added.iter().enumerate() {
            store
                .add(cert.der.clone())
                .map_err(|e| ValidationError::one("root certificate", format!("certificate {} cannot be a root: {e}", i + 1)))?;
        }
        Ok(store)
    };
    let mut config = match roots {
        TlsRoots::Bundled => builder.with_root_certificates(store(true)?),
        TlsRoots::Added => {
            if added.is_empty() {
                return Err(ValidationError::one(
                    "TLS roots",
                    "`TlsRoots::Added` trusts only added roots, and none was added (`ClientBuilder::add_root_certificate`)",
                ));
            }
            builder.with_root_certificates(store(false)?)
        }
        #[cfg(feature = "platform-verifier")]
        TlsRoots::Platform => {
            let verifier = rustls_platform_verifier::Verifier::new_with_extra_roots(
                added.iter().map(|c| c.der.clone()),
                provider,
            )
            .map_err(|e| ValidationError::one("TLS roots", format!("the platform's verifier: {e}")))?;
            builder.dangerous().with_custom_certificate_verifier(Arc::new(verifier))
        }
    }
    .with_no_client_auth();
    config.alpn_protocols = vec![b"h2".to_vec(), b"http/1.1".to_vec()];
    Ok(config)
}

/// A transport failure that is a refused TLS handshake: what failed and
/// what to do (see [`explain`]), then what the HTTP stack said.
#[derive(Debug)]
pub(crate) struct TlsFailure {
    pub(crate) message: String,
    pub(crate) source: reqwest::Error,
}

impl fmt::Display for TlsFailure {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.message)
    }
}

impl std::error::Error for TlsFailure {
    fn source(&self) -> Option<&(dyn std::error::Error + 'static)> {
        Some(&self.source)
    }
}

/// The TLS error in `error`'s chain of sources, if the failure is TLS's.
pub(crate) fn tls_error<'a>(error: &'a (dyn std::error::Error + 'static)) -> Option<&'a rustls::Error> {
    let mut next = Some(error);
    while let Some(e) = next {
        if let Some(tls) = e.downcast_ref::<rustls::Error>() {
            return Some(tls);
        }
        // An `io::Error` hides the error it wraps from `source()`.
        if let Some(inner) = e.downcast_ref::<std::io::Error>().and_then(|io| io.get_ref())
            && let Some(tls) = tls_error(inner)
        {
            return Some(tls);
        }
        next = e.source();
    }
    None
}

/// What to tell the caller about a refused handshake: what failed, and
/// what to do about it.
pub(crate) fn explain(error: &rustls::Error) -> String {
    use rustls::{CertificateError, Error as E};
    let hint = match error {
        E::InvalidCertificate(CertificateError::UnknownIssuer) => {
            "the server's certificate is not signed by a trusted root: if a proxy on this network re-signs TLS, \
             trust its CA with `ClientBuilder::add_root_certificate` (or `TlsRoots::Platform`)"
        }
        E::InvalidCertificate(CertificateError::NotValidForName | CertificateError::NotValidForNameContext { .. }) => {
            "the server's certificate is for another host name"
        }
        E::InvalidCertificate(
            CertificateError::Expired
            | CertificateError::ExpiredContext { .. }
            | CertificateError::NotValidYet
            | CertificateError::NotValidYetContext { .. },
        ) => "the server's certificate is outside its validity period (or this machine's clock is wrong)",
        E::InvalidCertificate(_) => "the server's certificate is refused",
        E::PeerIncompatible(_) | E::AlertReceived(rustls::AlertDescription::ProtocolVersion) => {
            "the server offers no TLS version or cipher this client accepts (TLS 1.2 and 1.3 only)"
        }
        _ => "the TLS handshake failed",
    };
    format!("TLS: {hint} ({error})")
}
