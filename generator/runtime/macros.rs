//! The items every generated type or builder of a kind has, written once.
//!
//! The generated code calls these where the items would otherwise repeat,
//! line for line, for every enum and every operation: the crate is shorter
//! to read, to review and to generate, and compiles to the same code.

/// The impls of a string enum, from its variants and their wire strings
/// (`[Active("active"), …]`): `as_str` and `from_wire` (any string not
/// listed decodes into `$catch_all`), and what follows from them:
/// `Display`, `FromStr` (known values only; any other breaks `$rule`), serde
/// (as the wire string; an unknown value decodes into `$catch_all`), and
/// equality, hashing and order by the wire string. Ordered by the string,
/// not by the variants' places, values sort the same in every version of
/// the crate, whichever values the API adds; and a catch-all value cannot
/// hold a listed one (only `from_wire` makes it), so equal strings are
/// equal values.
macro_rules! string_enum {
    ($name:ident, $catch_all:ident, $rule:literal, [$($variant:ident($wire:literal)),* $(,)?]) => {
        impl $name {
            /// The value as it travels on the wire.
            pub fn as_str(&self) -> &str {
                match self {
                    $( Self::$variant => $wire, )*
                    Self::$catch_all(value) => value.as_str(),
                }
            }

            fn from_wire(value: ::std::string::String) -> Self {
                match value.as_str() {
                    $( $wire => Self::$variant, )*
                    _ => Self::$catch_all(crate::runtime::UnknownValue::new(value)),
                }
            }
        }

        impl ::std::cmp::PartialEq for $name {
            fn eq(&self, other: &Self) -> bool {
                self.as_str() == other.as_str()
            }
        }

        impl ::std::cmp::Eq for $name {}

        impl ::std::hash::Hash for $name {
            fn hash<H: ::std::hash::Hasher>(&self, state: &mut H) {
                self.as_str().hash(state);
            }
        }

        impl ::std::cmp::PartialOrd for $name {
            fn partial_cmp(&self, other: &Self) -> ::std::option::Option<::std::cmp::Ordering> {
                ::std::option::Option::Some(self.cmp(other))
            }
        }

        impl ::std::cmp::Ord for $name {
            fn cmp(&self, other: &Self) -> ::std::cmp::Ordering {
                self.as_str().cmp(other.as_str())
            }
        }

        impl ::std::fmt::Display for $name {
            fn fmt(&self, f: &mut ::std::fmt::Formatter<'_>) -> ::std::fmt::Result {
                f.write_str(self.as_str())
            }
        }

        impl ::std::str::FromStr for $name {
            type Err = crate::runtime::ValidationError;

            /// One of the values the API document lists; any other is refused.
            fn from_str(value: &str) -> ::std::result::Result<Self, Self::Err> {
                match Self::from_wire(value.to_owned()) {
                    Self::$catch_all(_) => ::std::result::Result::Err(crate::runtime::ValidationError::one("", $rule)),
                    known => ::std::result::Result::Ok(known),
                }
            }
        }

        impl ::serde::Serialize for $name {
            fn serialize<S: ::serde::Serializer>(&self, serializer: S) -> ::std::result::Result<S::Ok, S::Error> {
                serializer.serialize_str(self.as_str())
            }
        }

        impl<'de> ::serde::Deserialize<'de> for $name {
            fn deserialize<D: ::serde::Deserializer<'de>>(deserializer: D) -> ::std::result::Result<Self, D::Error> {
                <::std::string::String as ::serde::Deserialize>::deserialize(deserializer).map(Self::from_wire)
            }
        }
    };
}

/// `Deserialize` for the struct `$name`, from an object whose keys are the
/// fields' names on the wire (`field("wire")`, each with its `cfg` if it has
/// one); other keys are ignored. Two lists: the fields whose type says
/// whether they may be absent (serde's rule: only an `Option` may), then
/// the optional fields, `Option`s that are `None` when absent. The visitor is the runtime's
/// `StructVisitor` (see `decode.rs`); the code here names the struct only as
/// `Self`, whatever the document calls it.
macro_rules! decode_struct {
    (
        $name:ident,
        [$( $(#[$attr:meta])* $field:ident($wire:literal) ),* $(,)?],
        [$( $(#[$oattr:meta])* $ofield:ident($owire:literal) ),* $(,)?] $(,)?
    ) => {
        impl crate::runtime::DecodeFields for $name {
            const EXPECTING: &'static str = ::std::concat!("struct ", ::std::stringify!($name));

            fn decode_fields<'de, A: ::serde::de::MapAccess<'de>>(
                mut map: A,
            ) -> ::std::result::Result<Self, A::Error> {
                $( $(#[$attr])* let mut $field = ::std::option::Option::None; )*
                $( $(#[$oattr])* let mut $ofield = ::std::option::Option::None; )*
                while let ::std::option::Option::Some(key) = map.next_key::<crate::runtime::Key<'de>>()? {
                    // One `?` for the whole match, not one per field: less to check.
                    match key.as_str() {
                        $( $(#[$attr])* $wire => crate::runtime::field(&mut map, &mut $field, $wire), )*
                        $( $(#[$oattr])* $owire => crate::runtime::field(&mut map, &mut $ofield, $owire), )*
                        _ => crate::runtime::skip(&mut map),
                    }?;
                }
                ::std::result::Result::Ok(Self {
                    $( $(#[$attr])* $field: crate::runtime::take::<_, A::Error>($field, $wire)?, )*
                    // Absent or `null`, an optional field is `None`: no
                    // check, and no `?`, for each.
                    $( $(#[$oattr])* $ofield: $ofield.flatten(), )*
                })
            }
        }

        impl<'de> ::serde::Deserialize<'de> for $name {
            fn deserialize<D: ::serde::Deserializer<'de>>(
                deserializer: D,
            ) -> ::std::result::Result<Self, D::Error> {
                deserializer.deserialize_map(crate::runtime::StructVisitor::<Self>::new())
            }
        }
    };
}

/// The per-call settings every request builder has, as methods of its
/// `impl` block (which has a `options: RequestOptions` field).
macro_rules! request_options {
    () => {
        /// The limit on each attempt of this call, instead of the client's
        /// [`timeout`](crate::runtime::ClientBuilder::timeout).
        pub fn request_timeout(mut self, timeout: ::std::time::Duration) -> Self {
            self.options.timeout = ::std::option::Option::Some(timeout);
            self
        }

        /// The limit on this whole call, retries included, instead of the
        /// client's [`deadline`](crate::runtime::ClientBuilder::deadline).
        pub fn request_deadline(mut self, deadline: ::std::time::Duration) -> Self {
            self.options.deadline = ::std::option::Option::Some(deadline);
            self
        }

        /// At most `retries` retries of this call, instead of what the
        /// client's [`RetryPolicy`](crate::runtime::RetryPolicy) allows (0: no retry).
        pub fn max_retries(mut self, retries: u32) -> Self {
            self.options.max_retries = ::std::option::Option::Some(retries);
            self
        }

        /// A header sent with every attempt of this call (replacing an earlier
        /// one of the same name). Headers the client or the operation sets
        /// itself (`Authorization`, `Content-Type`, the operation's header
        /// parameters and idempotency key, API keys) have their own setters:
        /// naming one here fails the call with
        /// [`Error::InvalidRequest`](crate::runtime::Error::InvalidRequest) before
        /// anything is sent, as does a name or value that cannot travel in a
        /// header. Values of headers that may hold credentials are never
        /// shown by `Debug`.
        pub fn extra_header(
            mut self,
            name: impl ::std::convert::Into<::std::string::String>,
            value: impl ::std::convert::Into<::std::string::String>,
        ) -> Self {
            self.options.set_header(name.into(), value.into());
            self
        }
    };
}

/// How a request builder (with an `execute` method) is sent: `send` and
/// `.await` in async mode, a blocking `send` in blocking mode. `$api` (last,
/// as in every macro here) is the API's marker type ([`ApiDefinition`](crate::runtime::ApiDefinition)).
macro_rules! send {
    ($builder:ident, $output:ty, $api:ty) => {
        impl $builder {
            /// Sends the request; the future resolves to the decoded response.
            /// The builder is consumed: clone it first to send the same
            /// request (with the same idempotency key) again.
            pub fn send(self) -> crate::runtime::ResponseFuture<$output, $api> {
                self.execute()
            }
        }

        impl ::std::future::IntoFuture for $builder {
            type Output = ::std::result::Result<crate::runtime::ResponseValue<$output>, crate::runtime::Error<$api>>;
            type IntoFuture = crate::runtime::ResponseFuture<$output, $api>;

            fn into_future(self) -> Self::IntoFuture {
                self.execute()
            }
        }

        #[cfg(feature = "blocking")]
        impl $builder<crate::runtime::blocking::Blocking> {
            /// Sends the request and decodes the response, blocking until done.
            pub fn send(self) -> ::std::result::Result<crate::runtime::ResponseValue<$output>, crate::runtime::Error<$api>> {
                let mode = self.mode.clone();
                mode.block_on(self.execute())
            }
        }
    };
}

/// How a request builder whose operation answers with a stream (its
/// `execute` opens it; `$kind<$item>` is the stream's type) is sent: `send` and `.await` in async mode; in
/// blocking mode, a blocking `send` whose stream is an iterator.
macro_rules! send_stream {
    ($builder:ident, $kind:ident, $item:ty, $api:ty) => {
        crate::runtime::send_stream!(@ $builder, crate::runtime::$kind<$item, $api>, $api);
    };
    (@ $builder:ident, $stream:ty, $api:ty) => {
        impl $builder {
            /// Sends the request; the future resolves once the response's
            /// head has come, to the stream of its items, each read when
            /// the stream reaches it. The builder is consumed: clone it
            /// first to send the same request again.
            pub fn send(self) -> crate::runtime::ResponseFuture<$stream, $api> {
                self.execute()
            }
        }

        impl ::std::future::IntoFuture for $builder {
            type Output = ::std::result::Result<crate::runtime::ResponseValue<$stream>, crate::runtime::Error<$api>>;
            type IntoFuture = crate::runtime::ResponseFuture<$stream, $api>;

            fn into_future(self) -> Self::IntoFuture {
                self.execute()
            }
        }

        #[cfg(feature = "blocking")]
        impl $builder<crate::runtime::blocking::Blocking> {
            /// Sends the request, blocking until the response's head has
            /// come; its items are an iterator that blocks for each.
            pub fn send(
                self,
            ) -> ::std::result::Result<
                crate::runtime::ResponseValue<crate::runtime::blocking::Iter<$stream>>,
                crate::runtime::Error<$api>,
            > {
                let mode = self.mode.clone();
                let iter = mode.clone();
                mode.block_on(self.execute()).map(|response| response.map(|stream| iter.iter(stream)))
            }
        }
    };
}

/// The second way to send a request builder whose operation answers with
/// JSON or a stream (`Accept` says which): `stream()` (its
/// `execute_stream` opens it), beside `send` for the JSON.
macro_rules! stream {
    ($builder:ident, $kind:ident, $item:ty, $doc:literal, $api:ty) => {
        crate::runtime::stream!(@ $builder, crate::runtime::$kind<$item, $api>, $doc, $api);
    };
    (@ $builder:ident, $stream:ty, $doc:literal, $api:ty) => {
        impl $builder {
            #[doc = $doc]
            pub fn stream(self) -> crate::runtime::ResponseFuture<$stream, $api> {
                self.execute_stream()
            }
        }

        #[cfg(feature = "blocking")]
        impl $builder<crate::runtime::blocking::Blocking> {
            /// The async `stream`, blocking until the response's head has
            /// come; its items are an iterator that blocks for each.
            pub fn stream(
                self,
            ) -> ::std::result::Result<
                crate::runtime::ResponseValue<crate::runtime::blocking::Iter<$stream>>,
                crate::runtime::Error<$api>,
            > {
                let mode = self.mode.clone();
                let iter = mode.clone();
                mode.block_on(self.execute_stream()).map(|response| response.map(|stream| iter.iter(stream)))
            }
        }
    };
}

/// Cursor pagination for a request builder whose response is the page type
/// `$page` (a [`Page`](crate::runtime::Page)) and which has an `into_pages` method:
/// `pages()` and `items()`, as streams in async mode and iterators in
/// blocking mode.
macro_rules! paginate {
    ($builder:ident, $page:ty, $api:ty) => {
        impl $builder {
            /// Every page, each fetched (under the retry policy) when the
            /// stream reaches it, following the next cursor until a page has
            /// none. It starts at the cursor set on this builder, if any:
            /// resume a listing by setting the cursor the stream's `cursor()`
            /// gave. The stream ends after the first error, and with an error
            /// when the server hands out a cursor it already followed.
            pub fn pages(self) -> crate::runtime::Pages<$page, $api> {
                self.into_pages()
            }

            /// Every item of every page, in order, fetching each page when the
            /// stream reaches it: only one page is held at a time. Its
            /// `cursor()` tells where to resume. The stream ends after the
            /// first error, and with an error when the server hands out a
            /// cursor it already followed.
            pub fn items(self) -> crate::runtime::Items<$page, $api> {
                crate::runtime::Items::new(self.into_pages())
            }
        }

        #[cfg(feature = "blocking")]
        impl $builder<crate::runtime::blocking::Blocking> {
            /// Every page, as an iterator that fetches each page when it
            /// reaches it (see the async `pages`).
            pub fn pages(self) -> crate::runtime::blocking::Iter<crate::runtime::Pages<$page, $api>> {
                let mode = self.mode.clone();
                mode.iter(self.into_pages())
            }

            /// Every item of every page, as an iterator that fetches each page
            /// when it reaches it (see the async `items`).
            pub fn items(self) -> crate::runtime::blocking::Iter<crate::runtime::Items<$page, $api>> {
                let mode = self.mode.clone();
                mode.iter(crate::runtime::Items::new(self.into_pages()))
            }
        }
    };
}

/// `wait_until_terminal` for a request builder whose response `$response`
/// has a status field `$field` of the enum `$status` (at `$status_path`),
/// whose `is_terminal` knows its final values.
macro_rules! wait_until_terminal {
    ($builder:ident, $response:ty, $operation:literal, $field:ident, $status:ident, $status_path:path, $api:ty) => {
        impl<M: ::std::clone::Clone> $builder<M> {
            async fn wait(
                self,
                options: crate::runtime::PollOptions,
            ) -> ::std::result::Result<crate::runtime::ResponseValue<$response>, crate::runtime::Error<$api>> {
                crate::runtime::poll_until(
                    $operation,
                    options,
                    |left: ::std::time::Duration| {
                        // Each poll, retries included, gets only the time left.
                        let mut request = self.clone();
                        request.options.deadline =
                            ::std::option::Option::Some(request.options.deadline.map_or(left, |d| d.min(left)));
                        request.execute()
                    },
                    |response: &$response| response.$field.is_terminal(),
                )
                .await
            }
        }

        impl $builder {
            #[doc = concat!(
                "Calls the operation until the response's `", stringify!($field), "` is final (see\n",
                "[`", stringify!($status), "::is_terminal`](", stringify!($status_path), "::is_terminal)),\n",
                "waiting longer between calls each time, and returns that response.\n\n",
                "The deadline of `options` bounds the whole wait: each call, its retries\n",
                "included, gets only the time left, and when the deadline passes the wait\n",
                "ends with [`TimeoutKind::Wait`](crate::runtime::TimeoutKind::Wait). A call that fails\n",
                "in a way that may pass (a connection failure, a timeout, 408, 429 or 5xx\n",
                "after its own retries) does not end the wait: polling goes on until the\n",
                "deadline. Any other error (a 404, a response that does not decode) ends it.",
            )]
            pub async fn wait_until_terminal(
                self,
                options: crate::runtime::PollOptions,
            ) -> ::std::result::Result<crate::runtime::ResponseValue<$response>, crate::runtime::Error<$api>> {
                self.wait(options).await
            }
        }

        #[cfg(feature = "blocking")]
        impl $builder<crate::runtime::blocking::Blocking> {
            /// The async `wait_until_terminal`, blocking until it is done.
            pub fn wait_until_terminal(
                self,
                options: crate::runtime::PollOptions,
            ) -> ::std::result::Result<crate::runtime::ResponseValue<$response>, crate::runtime::Error<$api>> {
                let mode = self.mode.clone();
                mode.block_on(self.wait(options))
            }
        }
    };
}

/// The impls of a type of one value (`const`), given as JSON text: serde
/// (encodes as the value; decodes from it alone, so that it tells the
/// alternatives of a union apart) and `Display` (the text of a string,
/// else the JSON).
macro_rules! constant {
    ($name:ident, $json:literal) => {
        impl $name {
            /// The value, as JSON text.
            pub const JSON: &'static str = $json;

            fn value() -> ::serde_json::Value {
                ::serde_json::from_str($json).unwrap_or(::serde_json::Value::Null)
            }
        }

        impl ::std::fmt::Display for $name {
            fn fmt(&self, f: &mut ::std::fmt::Formatter<'_>) -> ::std::fmt::Result {
                match Self::value() {
                    ::serde_json::Value::String(text) => f.write_str(&text),
                    other => ::std::fmt::Display::fmt(&other, f),
                }
            }
        }

        impl ::serde::Serialize for $name {
            fn serialize<S: ::serde::Serializer>(&self, serializer: S) -> ::std::result::Result<S::Ok, S::Error> {
                ::serde::Serialize::serialize(&Self::value(), serializer)
            }
        }

        impl<'de> ::serde::Deserialize<'de> for $name {
            fn deserialize<D: ::serde::Deserializer<'de>>(deserializer: D) -> ::std::result::Result<Self, D::Error> {
                let found = <::serde_json::Value as ::serde::Deserialize>::deserialize(deserializer)?;
                let expected = Self::value();
                // `1` and `1.0` are one number.
                let same_number = found.is_number() && found.as_f64() == expected.as_f64();
                if found == expected || same_number {
                    ::std::result::Result::Ok($name)
                } else {
                    ::std::result::Result::Err(::serde::de::Error::custom(::std::format!(
                        "expected {}, found {found}",
                        $json
                    )))
                }
            }
        }
    };
}

pub(crate) use {
    constant, decode_struct, paginate, request_options, send, send_stream, stream, string_enum,
    wait_until_terminal,
};
