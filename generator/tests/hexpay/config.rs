//! Client configuration.

use hexpay::Error;

#[test]
fn plain_http_needs_consent_and_bad_urls_are_refused() {
    let err = hexpay::Client::builder()
        .base_url("http://127.0.0.1:1")
        .build()
        .unwrap_err();
    assert!(matches!(err, Error::InvalidRequest(_)));
    assert!(err.to_string().contains("plain http is refused"), "{err}");
    for bad in ["not a url", "ftp://example.com", "https://example.com/?q=1"] {
        let err = hexpay::Client::builder().base_url(bad).build().unwrap_err();
        assert!(err.to_string().contains("base URL"), "{bad}: {err}");
    }
    let c = hexpay::Client::builder()
        .base_url("http://127.0.0.1:1/")
        .allow_http(true)
        .build()
        .unwrap();
    assert_eq!(c.base_url(), "http://127.0.0.1:1");
}

#[test]
fn the_default_client_talks_to_hexpay_and_never_shows_the_token() {
    let c = hexpay::Client::new("secret-token-value").expect("a valid token");
    assert_eq!(c.base_url(), "https://api.hexpay.io");
    assert_eq!(c.retry_policy().max_retries, 2);
    let shown = format!("{c:?}");
    assert!(!shown.contains("secret-token-value"), "{shown}");
    assert!(shown.contains("<redacted>"), "{shown}");
    let builder = hexpay::Client::builder().bearer_token("secret-token-value");
    assert!(!format!("{builder:?}").contains("secret-token-value"));
    let provided = hexpay::Client::builder()
        .token_provider(|| "secret-token-value".into())
        .build()
        .unwrap();
    assert!(!format!("{provided:?}").contains("secret-token-value"));
    let blocking = hexpay::blocking::Client::new("secret-token-value");
    assert!(!format!("{blocking:?}").contains("secret-token-value"));
}
