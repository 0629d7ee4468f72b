//! What the client makes of every error answer: the variant follows the
//! status as the spec declares it, and nothing the server sent is lost.

use hexpay::Error;
use serde_json::json;
use wiremock::matchers::{method, path};
use wiremock::{Mock, MockServer, ResponseTemplate};

use crate::common::{PAYMENT_ID, client, error_json, new_payment, payment_id};

#[tokio::test]
async fn every_declared_4xx_is_an_api_error_with_its_typed_body() {
    for (status, code) in [
        (400, "bad_request"),
        (401, "unauthorized"),
        (404, "not_found"),
        (409, "conflict"),
        (422, "validation_error"),
    ] {
        let server = MockServer::start().await;
        // 422 is declared for createPayment only.
        let route = if status == 422 {
            "/v1/payments".to_owned()
        } else {
            format!("/v1/payments/{PAYMENT_ID}/cancel")
        };
        Mock::given(method("POST"))
            .and(path(route))
            .respond_with(
                ResponseTemplate::new(status)
                    .set_body_json(error_json(code))
                    .insert_header("x-request-id", "req-7"),
            )
            .expect(1) // a 4xx is never retried
            .mount(&server)
            .await;

        let c = client(&server);
        let err = if status == 422 {
            c.create_payment(new_payment()).await.unwrap_err()
        } else {
            c.cancel_payment(payment_id()).await.unwrap_err()
        };
        assert_eq!(err.http_status().map(|s| s.as_u16()), Some(status));
        let body = err
            .body()
            .unwrap_or_else(|| panic!("{status} declares an error body: {err:?}"));
        assert_eq!(body.code, code);
        assert_eq!(body.message, format!("{code} happened"));
        assert!(!err.is_retryable());
        assert_eq!(err.attempts(), 1);
        assert!(
            err.idempotency_key().is_some(),
            "the key is reported on errors too"
        );
        let Error::Api(api) = &err else {
            panic!("expected an API error, got {err:?}")
        };
        assert_eq!(
            serde_json::from_slice::<serde_json::Value>(&api.raw).unwrap(),
            error_json(code)
        );
        assert_eq!(err.request_id(), Some("req-7"));
        assert!(err.to_string().contains("req-7"), "{err}");
        assert!(err.to_string().contains(&status.to_string()), "{err}");
    }
}

#[tokio::test]
async fn an_undeclared_status_is_an_api_error_without_a_guessed_body() {
    let server = MockServer::start().await;
    Mock::given(method("GET"))
        .and(path("/v1/payment-methods"))
        .respond_with(ResponseTemplate::new(418).set_body_json(error_json("teapot")))
        .mount(&server)
        .await;

    let err = client(&server).list_payment_methods().await.unwrap_err();
    let Error::Api(api) = &err else {
        panic!("expected an API error, got {err:?}")
    };
    assert_eq!(api.status.as_u16(), 418);
    assert!(
        api.body.is_none(),
        "the spec declares no body for 418: nothing is guessed"
    );
    assert_eq!(
        serde_json::from_slice::<serde_json::Value>(&api.raw).unwrap(),
        error_json("teapot")
    );
}

#[tokio::test]
async fn malformed_bodies_are_decode_errors_that_keep_status_and_bytes() {
    let server = MockServer::start().await;
    Mock::given(method("GET"))
        .and(path(format!("/v1/payments/{PAYMENT_ID}")))
        .respond_with(ResponseTemplate::new(200).set_body_string("{\"id\": "))
        .expect(1) // not retried: the server answered
        .mount(&server)
        .await;
    Mock::given(method("GET"))
        .and(path(format!("/v1/payments/{PAYMENT_ID}/status")))
        .respond_with(ResponseTemplate::new(404).set_body_string("<html>not here</html>"))
        .mount(&server)
        .await;
    Mock::given(method("GET"))
        .and(path("/v1/payment-methods"))
        // Valid JSON, but not a page of methods.
        .respond_with(ResponseTemplate::new(200).set_body_json(json!({ "methods": "none" })))
        .mount(&server)
        .await;

    let c = client(&server);
    let err = c.get_payment(payment_id()).await.unwrap_err();
    let Error::Decode(d) = &err else {
        panic!("expected a decode error, got {err:?}")
    };
    assert_eq!(d.status.as_u16(), 200);
    assert_eq!(&d.raw[..], b"{\"id\": ");
    assert_eq!(err.attempts(), 1);

    // A declared error status whose body is not the declared error body is
    // still the error status: no decoded body, the reason, the bytes.
    let err = c.get_payment_status(payment_id()).await.unwrap_err();
    let Error::Api(a) = &err else {
        panic!("expected an API error, got {err:?}")
    };
    assert_eq!(a.status.as_u16(), 404);
    assert!(a.body.is_none());
    assert!(a.body_error.is_some());
    assert_eq!(&a.raw[..], b"<html>not here</html>");
    assert_eq!(
        err.raw_body().map(|b| &b[..]),
        Some(&b"<html>not here</html>"[..])
    );

    let err = c.list_payment_methods().await.unwrap_err();
    assert!(matches!(err, Error::Decode(_)), "{err:?}");
    assert!(err.to_string().contains("listPaymentMethods"), "{err}");
}

#[tokio::test]
async fn an_invalid_amount_from_the_server_is_a_decode_error() {
    // The amount type keeps its rules whichever way a value is made.
    let server = MockServer::start().await;
    let mut answer = crate::common::payment_json("pending");
    answer["amount"] = json!("01.5");
    Mock::given(method("GET"))
        .and(path(format!("/v1/payments/{PAYMENT_ID}")))
        .respond_with(ResponseTemplate::new(200).set_body_json(answer))
        .mount(&server)
        .await;
    let err = client(&server).get_payment(payment_id()).await.unwrap_err();
    assert!(matches!(err, Error::Decode(_)), "{err:?}");
    assert!(err.to_string().contains("must match the pattern"), "{err}");
}

#[test]
fn errors_are_send_sync_and_static() {
    fn check<E: std::error::Error + Send + Sync + 'static>() {}
    check::<Error>();
    check::<hexpay::ValidationError>();
}
