//! The first stage: text (YAML or JSON) → `serde_json::Value`.

use serde_json::Value;

use super::diagnostics::Diagnostic;

/// The document as JSON, as written (YAML or JSON text; an integer beyond
/// 64 bits as the nearest float).
pub fn parse(text: &str) -> Result<Value, Vec<Diagnostic>> {
    let looks_like_json = text.trim_start().starts_with('{');
    if looks_like_json {
        // serde_json reads an integer beyond 64 bits as the nearest float.
        serde_json::from_str(text).map_err(|e| {
            let mut d = Diagnostic::error("", format!("invalid JSON: {e}"));
            d.line = Some(e.line());
            vec![d]
        })
    } else {
        serde_yaml::from_str::<Loose>(text)
            .map(|loose| loose.0)
            .map_err(|e| {
                let mut d = Diagnostic::error("", format!("invalid YAML: {e}"));
                d.line = e.location().map(|l| l.line());
                vec![d]
            })
    }
}

/// A JSON value read from YAML that, unlike `serde_json::Value`, takes
/// integers beyond 64 bits: as the nearest float, as serde_json does for
/// JSON text (`normalize` then warns where the value matters).
struct Loose(Value);

impl<'de> serde::Deserialize<'de> for Loose {
    fn deserialize<D: serde::Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        deserializer.deserialize_any(LooseVisitor).map(Loose)
    }
}

struct LooseVisitor;

impl<'de> serde::de::Visitor<'de> for LooseVisitor {
    type Value = Value;

    fn expecting(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("any YAML value")
    }

    fn visit_bool<E>(self, v: bool) -> Result<Value, E> {
        Ok(Value::Bool(v))
    }

    fn visit_i64<E>(self, v: i64) -> Result<Value, E> {
        Ok(Value::from(v))
    }

    fn visit_u64<E>(self, v: u64) -> Result<Value, E> {
        Ok(Value::from(v))
    }

    fn visit_i128<E>(self, v: i128) -> Result<Value, E> {
        Ok(i64::try_from(v).map_or_else(|_| float(v as f64), Value::from))
    }

    fn visit_u128<E>(self, v: u128) -> Result<Value, E> {
        Ok(u64::try_from(v).map_or_else(|_| float(v as f64), Value::from))
    }

    fn visit_f64<E>(self, v: f64) -> Result<Value, E> {
        Ok(float(v))
    }

    fn visit_str<E>(self, v: &str) -> Result<Value, E> {
        Ok(Value::String(v.to_owned()))
    }

    fn visit_string<E>(self, v: String) -> Result<Value, E> {
        Ok(Value::String(v))
    }

    fn visit_unit<E>(self) -> Result<Value, E> {
        Ok(Value::Null)
    }

    fn visit_none<E>(self) -> Result<Value, E> {
        Ok(Value::Null)
    }

    fn visit_some<D: serde::Deserializer<'de>>(self, d: D) -> Result<Value, D::Error> {
        d.deserialize_any(LooseVisitor)
    }

    fn visit_seq<A: serde::de::SeqAccess<'de>>(self, mut seq: A) -> Result<Value, A::Error> {
        let mut out = Vec::new();
        while let Some(Loose(v)) = seq.next_element()? {
            out.push(v);
        }
        Ok(Value::Array(out))
    }

    fn visit_map<A: serde::de::MapAccess<'de>>(self, mut map: A) -> Result<Value, A::Error> {
        let mut out = serde_json::Map::new();
        while let Some((key, Loose(v))) = map.next_entry::<Loose, Loose>()? {
            let key = match key.0 {
                Value::String(s) => s,
                // YAML allows keys of any kind (`200:` for a status): as text.
                other => other.to_string(),
            };
            out.insert(key, v);
        }
        Ok(Value::Object(out))
    }
}

/// A float as JSON (infinities and NaN, which JSON lacks, as null).
fn float(v: f64) -> Value {
    serde_json::Number::from_f64(v).map_or(Value::Null, Value::Number)
}
