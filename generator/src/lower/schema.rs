//! Schemas → type definitions.
//!
//! `openapiv3` spells a schema in several shapes (`Type::*`, `AnySchema`,
//! `OneOf`, …); [`View`] flattens them into one, so the rules below are written
//! once. Component schemas get their names before any schema is lowered, so a
//! reference always resolves to a name, recursion included.

use indexmap::IndexMap;
use openapiv3::{
    AdditionalProperties, ReferenceOr, Schema, SchemaKind, Type, VariantOrUnknownOrEmpty,
};
use serde_json::Value;

use super::context::Lowerer;
use crate::model::{
    Constraints, EnumVariant, Field, Primitive, TypeDef, TypeKind, TypeRef, UnionVariant,
};
use crate::names::{self, Namespace};
use crate::read::diagnostics::{Cost, Diagnostic};
use crate::read::pointer::{join, percent_decode, unescape};
use crate::read::translate::oas31;

/// A schema's keywords, whatever shape `openapiv3` gave it.
#[derive(Default)]
struct View<'s> {
    typ: Option<&'s str>,
    format: Option<String>,
    enumeration: Vec<Value>,
    properties: Option<&'s IndexMap<String, ReferenceOr<Box<Schema>>>>,
    required: &'s [String],
    additional: Option<&'s AdditionalProperties>,
    items: Option<&'s ReferenceOr<Box<Schema>>>,
    one_of: &'s [ReferenceOr<Schema>],
    all_of: &'s [ReferenceOr<Schema>],
    any_of: &'s [ReferenceOr<Schema>],
    constraints: Constraints,
    /// 3.1 `dependentRequired`.
    dependent_required: Vec<(String, Vec<String>)>,
}

fn format_of<T: std::fmt::Debug + serde::Serialize>(
    f: &VariantOrUnknownOrEmpty<T>,
) -> Option<String> {
    match f {
        VariantOrUnknownOrEmpty::Item(item) => serde_json::to_value(item)
            .ok()
            .and_then(|v| v.as_str().map(str::to_owned)),
        VariantOrUnknownOrEmpty::Unknown(s) => Some(s.clone()),
        VariantOrUnknownOrEmpty::Empty => None,
    }
}

fn view(schema: &Schema) -> View<'_> {
    let mut v = View::default();
    v.constraints.default = schema.schema_data.default.as_ref().map(Value::to_string);
    match &schema.schema_kind {
        SchemaKind::Type(Type::String(s)) => {
            v.typ = Some("string");
            v.format = format_of(&s.format);
            v.enumeration = s
                .enumeration
                .iter()
                .map(|e| e.clone().map_or(Value::Null, Value::String))
                .collect();
            v.constraints.pattern = s.pattern.clone();
            v.constraints.min_length = s.min_length;
            v.constraints.max_length = s.max_length;
        }
        SchemaKind::Type(Type::Number(n)) => {
            v.typ = Some("number");
            v.format = format_of(&n.format);
            v.enumeration = n
                .enumeration
                .iter()
                .map(|e| e.map_or(Value::Null, |x| serde_json::json!(x)))
                .collect();
            v.constraints.minimum = n.minimum.map(|m| (m, n.exclusive_minimum));
            v.constraints.maximum = n.maximum.map(|m| (m, n.exclusive_maximum));
            v.constraints.multiple_of = n.multiple_of.filter(|m| *m > 0.0);
        }
        SchemaKind::Type(Type::Integer(n)) => {
            v.typ = Some("integer");
            v.format = format_of(&n.format);
            v.enumeration = n
                .enumeration
                .iter()
                .map(|e| e.map_or(Value::Null, |x| serde_json::json!(x)))
                .collect();
            v.constraints.minimum = n.minimum.map(|m| (m as f64, n.exclusive_minimum));
            v.constraints.maximum = n.maximum.map(|m| (m as f64, n.exclusive_maximum));
            v.constraints.multiple_of = n.multiple_of.filter(|m| *m > 0).map(|m| m as f64);
        }
        SchemaKind::Type(Type::Boolean(b)) => {
            v.typ = Some("boolean");
            v.enumeration = b
                .enumeration
                .iter()
                .map(|e| e.map_or(Value::Null, Value::Bool))
                .collect();
        }
        SchemaKind::Type(Type::Object(o)) => {
            v.typ = Some("object");
            v.properties = Some(&o.properties);
            v.required = &o.required;
            v.additional = o.additional_properties.as_ref();
            v.constraints.min_properties = o.min_properties;
            v.constraints.max_properties = o.max_properties;
        }
        SchemaKind::Type(Type::Array(a)) => {
            v.typ = Some("array");
            v.items = a.items.as_ref();
            v.constraints.min_items = a.min_items;
            v.constraints.max_items = a.max_items;
            v.constraints.unique_items = a.unique_items;
        }
        SchemaKind::OneOf { one_of } => v.one_of = one_of,
        SchemaKind::AllOf { all_of } => v.all_of = all_of,
        SchemaKind::AnyOf { any_of } => v.any_of = any_of,
        SchemaKind::Not { .. } => {}
        SchemaKind::Any(a) => {
            v.typ = a.typ.as_deref();
            v.format = a.format.clone();
            v.enumeration = a.enumeration.clone();
            v.properties = (!a.properties.is_empty()).then_some(&a.properties);
            v.required = &a.required;
            v.additional = a.additional_properties.as_ref();
            v.items = a.items.as_ref();
            v.one_of = &a.one_of;
            v.all_of = &a.all_of;
            v.any_of = &a.any_of;
            let c = &mut v.constraints;
            c.pattern = a.pattern.clone();
            c.min_length = a.min_length;
            c.max_length = a.max_length;
            c.minimum = a.minimum.map(|m| (m, a.exclusive_minimum.unwrap_or(false)));
            c.maximum = a.maximum.map(|m| (m, a.exclusive_maximum.unwrap_or(false)));
            c.multiple_of = a.multiple_of.filter(|m| *m > 0.0);
            c.min_items = a.min_items;
            c.max_items = a.max_items;
            c.unique_items = a.unique_items.unwrap_or(false);
            c.min_properties = a.min_properties;
            c.max_properties = a.max_properties;
        }
    }
    if matches!(v.typ, Some("string")) {
        v.constraints.format = v
            .format
            .clone()
            .filter(|f| CHECKABLE_FORMATS.contains(&f.as_str()));
    }
    // Rules on each item of an array, or each value of a map, stated inline.
    let inner = match (v.items, v.additional) {
        (Some(ReferenceOr::Item(item)), _) => Some(view(item).constraints),
        (None, Some(AdditionalProperties::Schema(value))) => match &**value {
            ReferenceOr::Item(value) => Some(view(value).constraints),
            ReferenceOr::Reference { .. } => None,
        },
        _ => None,
    };
    v.constraints.items = inner.filter(Constraints::has_rules).map(Box::new);
    if let Some(dependent) = schema.schema_data.extensions.get(oas31::DEPENDENT_REQUIRED)
        && let Ok(dependent) =
            serde_json::from_value::<IndexMap<String, Vec<String>>>(dependent.clone())
    {
        v.dependent_required = dependent.into_iter().collect();
    }
    // 3.1 `propertyNames`: rules on each key.
    if let Some(names) = schema.schema_data.extensions.get(oas31::PROPERTY_NAMES)
        && let Ok(names) = serde_json::from_value::<Schema>(names.clone())
    {
        let keys = view(&names).constraints;
        v.constraints.keys = keys.has_rules().then(|| Box::new(keys));
    }
    v
}

/// Whether the schema at `pointer` is a definition, as a component schema
/// is: a member of `$defs` or `definitions`, or, in another file of the
/// document, a component schema, a top-level member, or the whole file.
fn is_definition(pointer: &str) -> bool {
    if let Some(rest) = pointer.strip_prefix(&format!("/{}/", crate::read::pointer::BUNDLED))
        && rest.matches('/').count() <= 1
    {
        return true;
    }
    let mut tokens = pointer.rsplit('/');
    let _key = tokens.next();
    match tokens.next() {
        Some("$defs" | "definitions") => true,
        Some("schemas") => {
            tokens.next() == Some("components")
                && pointer.starts_with(&format!("/{}/", crate::read::pointer::BUNDLED))
        }
        _ => false,
    }
}

/// The longest tuple the runtime checks (and serde encodes up to 16).
const MAX_TUPLE: usize = 12;

/// String formats the generated client checks before sending; `date-time`,
/// `date` and `uuid` have types of their own instead.
const CHECKABLE_FORMATS: &[&str] = &["uri", "email", "ipv4", "ipv6"];

/// What a schema lowers to: a use of an existing type, or a definition that
/// needs a name.
enum Shape {
    Use(TypeRef),
    Define(Box<TypeKind>),
}

fn doc_of(schema: &Schema) -> Option<String> {
    let d = &schema.schema_data;
    d.description
        .clone()
        .or_else(|| d.title.clone())
        .filter(|s| !s.trim().is_empty())
}

impl<'a> Lowerer<'a> {
    /// Gives every component schema its Rust name, in document order.
    pub(super) fn name_components(&mut self) {
        let Some(components) = &self.doc.components else {
            return;
        };
        for (key, schema) in &components.schemas {
            let name = self.type_names.claim(&names::camel(key));
            if let ReferenceOr::Item(s) = schema
                && is_nullable(s)
            {
                self.nullable_components.insert(key.clone());
            }
            self.component_names.insert(key.clone(), name);
        }
    }

    /// Lowers every component schema into a definition under its name.
    pub(super) fn lower_components(&mut self) {
        let Some(components) = &self.doc.components else {
            return;
        };
        for (key, schema) in &components.schemas {
            let name = self.component_names[key].clone();
            let pointer = join("/components/schemas", key);
            let (kind, doc) = match schema {
                ReferenceOr::Reference { reference } => {
                    let target = self.resolve_schema_ref(reference, &pointer);
                    (
                        TypeKind::Alias {
                            target,
                            allowed: Vec::new(),
                        },
                        None,
                    )
                }
                ReferenceOr::Item(s) => {
                    let kind = match self.shape(s, &pointer, &name, true) {
                        Shape::Define(kind) => *kind,
                        Shape::Use(target) => TypeKind::Alias {
                            target,
                            allowed: Vec::new(),
                        },
                    };
                    (kind, doc_of(s))
                }
            };
            self.types.insert(
                name.clone(),
                TypeDef {
                    name,
                    pointer,
                    doc,
                    kind,
                },
            );
        }
    }

    /// The type of a schema `$ref`: a component schema by its name, or any
    /// other place in the document (a property of a component, a schema
    /// inside an operation) as the type of the schema found there.
    pub(super) fn resolve_schema_ref(&mut self, reference: &str, pointer: &str) -> TypeRef {
        let component = reference
            .strip_prefix("#/components/schemas/")
            .filter(|key| !key.contains('/'));
        if component.is_none() && reference.starts_with("#/") {
            return self.resolve_pointer_ref(reference, pointer);
        }
        match component {
            Some(key) => {
                let key = unescape(key);
                match self.component_names.get(&key) {
                    Some(name) => {
                        let named = TypeRef::Named(name.clone());
                        if self.nullable_components.contains(&key) {
                            TypeRef::Nullable(Box::new(named))
                        } else {
                            named
                        }
                    }
                    // The value can still travel, untyped: a warning, and
                    // an error under `--strict`.
                    None => {
                        self.warnings.push(
                            Diagnostic::warning(
                                join(pointer, "$ref"),
                                format!("dangling $ref `{reference}`: no such schema in components; the value is typed as any JSON"),
                            )
                            .costing(Cost::AnyJson),
                        );
                        TypeRef::Json
                    }
                }
            }
            // A reference to another file that could not be read: the
            // loader has said so.
            None if !reference.starts_with('#') => TypeRef::Json,
            None => {
                self.errors.push(Diagnostic::error(
                    join(pointer, "$ref"),
                    format!("unsupported $ref `{reference}`: a reference inside the document must be a JSON pointer (`#/…`) or, in OpenAPI 3.1, an `$anchor` it declares"),
                ));
                TypeRef::Json
            }
        }
    }

    /// The type of a `$ref` to a place in the document that is not a
    /// component schema: the schema there, lowered once (and the same type
    /// as that schema where it stands).
    fn resolve_pointer_ref(&mut self, reference: &str, pointer: &str) -> TypeRef {
        let target = percent_decode(&reference[1..]);
        if let Some(ty) = self.inline_types.get(&target) {
            return ty.clone();
        }
        let Some(value) = self.raw.pointer(&target) else {
            if !crate::read::pointer::is_unread(self.raw, &target) {
                self.warnings.push(
                    Diagnostic::warning(
                        join(pointer, "$ref"),
                        format!(
                            "dangling $ref `{}`: no such place in the document; the value is typed as any JSON",
                            crate::read::pointer::display_ref(reference)
                        ),
                    )
                    .costing(Cost::AnyJson),
                );
            }
            return TypeRef::Json;
        };
        let schema: ReferenceOr<Schema> = match serde_json::from_value(value.clone()) {
            Ok(schema) => schema,
            Err(e) => {
                self.errors.push(Diagnostic::error(
                    join(pointer, "$ref"),
                    format!(
                        "$ref `{}` does not point at a schema: {e}",
                        crate::read::pointer::display_ref(reference)
                    ),
                ));
                return TypeRef::Json;
            }
        };
        if let Some(name) = self.definition_names.get(&target) {
            // A definition that refers to itself: by its name.
            self.recursed.insert(target.clone());
            return TypeRef::Named(name.clone());
        }
        if !self.resolving.insert(target.clone()) {
            self.warnings.push(
                Diagnostic::warning(
                    join(pointer, "$ref"),
                    format!(
                        "$ref `{}` refers to a place inside itself: read as any JSON value",
                        crate::read::pointer::display_ref(reference)
                    ),
                )
                .costing(Cost::AnyJson),
            );
            return TypeRef::Json;
        }
        let hint = self.pointer_hint(&target);
        let ty = match &schema {
            ReferenceOr::Item(s) if is_definition(&target) => self.definition(s, &target, &hint),
            _ => self.lower_schema(&schema, &target, &hint),
        };
        self.resolving.remove(&target);
        self.inline_types.insert(target, ty.clone());
        ty
    }

    /// A definition (under `$defs`, or a schema of another file's
    /// components): named as a component is, before it is lowered, so that
    /// it may refer to itself; its rules stay with it.
    fn definition(&mut self, s: &Schema, target: &str, hint: &str) -> TypeRef {
        let name = self.type_names.claim(hint);
        self.definition_names
            .insert(target.to_owned(), name.clone());
        let shape = self.shape(s, target, &name, true);
        let recursed = self.recursed.contains(target);
        let ty = match shape {
            Shape::Define(kind) => Some(*kind),
            // A list or a primitive that refers to itself needs a name too.
            Shape::Use(t) if recursed => Some(TypeKind::Alias {
                target: t,
                allowed: Vec::new(),
            }),
            Shape::Use(t) => {
                self.definition_names.remove(target);
                return if is_nullable(s) && !matches!(t, TypeRef::Nullable(_)) {
                    TypeRef::Nullable(Box::new(t))
                } else {
                    t
                };
            }
        };
        if let Some(kind) = ty {
            self.types.insert(
                name.clone(),
                TypeDef {
                    name: name.clone(),
                    pointer: target.to_owned(),
                    doc: doc_of(s),
                    kind,
                },
            );
        }
        let named = TypeRef::Named(name);
        if is_nullable(s) {
            TypeRef::Nullable(Box::new(named))
        } else {
            named
        }
    }

    /// A type name for the schema at `target`, as lowering it in place would
    /// give: the component's name, then each property's, `Item` for array
    /// items, `Value` for map values (`#/components/schemas/Event/properties/kind`
    /// → `EventKind`).
    fn pointer_hint(&self, target: &str) -> String {
        let tokens: Vec<String> = target.split('/').skip(1).map(unescape).collect();
        let mut hint = String::new();
        let mut rest = tokens.as_slice();
        // Another file of the document: named inside it, or after it.
        if let [bundled, file, tail @ ..] = rest
            && bundled == crate::read::pointer::BUNDLED
        {
            rest = tail;
            if tail.is_empty() {
                let stem = file.rsplit('/').next().unwrap_or(file);
                let stem = stem.split('.').next().unwrap_or(stem);
                hint = names::camel(stem);
            }
        }
        let own = std::ptr::eq(rest.as_ptr(), tokens.as_ptr());
        if let [section, schemas, key, tail @ ..] = rest
            && section == "components"
            && schemas == "schemas"
        {
            hint = self
                .component_names
                .get(key)
                .filter(|_| own)
                .cloned()
                .unwrap_or_else(|| names::camel(key));
            rest = tail;
        }
        let mut iter = rest.iter().peekable();
        while let Some(token) = iter.next() {
            match token.as_str() {
                "properties" | "patternProperties" | "content" | "parameters" | "responses" => {
                    if let Some(name) = iter.next() {
                        hint.push_str(&names::camel(name));
                    }
                }
                "items" => hint.push_str("Item"),
                "additionalProperties" => hint.push_str("Value"),
                "allOf" | "oneOf" | "anyOf" => {
                    let i = iter.next().map_or("", |s| s.as_str());
                    hint.push_str(&format!("Variant{i}"));
                }
                "paths" | "components" | "schema" | "schemas" | "requestBody" | "$defs"
                | "definitions" => {}
                other => hint.push_str(&names::camel(other)),
            }
        }
        if hint.is_empty() {
            "Schema".to_owned()
        } else {
            hint
        }
    }

    /// The component schema a `$ref` points at, if it exists.
    fn component_schema(&self, reference: &str) -> Option<&'a openapiv3::Schema> {
        let doc: &'a openapiv3::OpenAPI = self.doc;
        let key = unescape(reference.strip_prefix("#/components/schemas/")?);
        let mut current = doc.components.as_ref()?.schemas.get(&key)?;
        // Follow chains of references, at most as many as there are schemas.
        for _ in 0..=self.component_names.len() {
            match current {
                ReferenceOr::Item(s) => return Some(s),
                ReferenceOr::Reference { reference } => {
                    let key = unescape(reference.strip_prefix("#/components/schemas/")?);
                    current = doc.components.as_ref()?.schemas.get(&key)?;
                }
            }
        }
        None
    }

    /// Lowers a schema where it is used; an inline schema that needs a
    /// definition gets one, named from `hint`.
    pub(super) fn lower_schema(
        &mut self,
        schema: &ReferenceOr<Schema>,
        pointer: &str,
        hint: &str,
    ) -> TypeRef {
        match schema {
            ReferenceOr::Reference { reference } => self.resolve_schema_ref(reference, pointer),
            ReferenceOr::Item(s) => self.lower_inline(s, pointer, hint),
        }
    }

    fn lower_boxed(
        &mut self,
        schema: &ReferenceOr<Box<Schema>>,
        pointer: &str,
        hint: &str,
    ) -> TypeRef {
        match schema {
            ReferenceOr::Reference { reference } => self.resolve_schema_ref(reference, pointer),
            ReferenceOr::Item(s) => self.lower_inline(s, pointer, hint),
        }
    }

    fn lower_inline(&mut self, s: &Schema, pointer: &str, hint: &str) -> TypeRef {
        // A schema inside a shared component (a parameter, request body or
        // response that many operations `$ref`) is lowered once: every
        // operation uses the same type.
        let shared =
            pointer.starts_with("/components/") && !pointer.starts_with("/components/schemas/");
        if shared && let Some(ty) = self.shared_types.get(pointer) {
            return ty.clone();
        }
        // A place a `$ref` pointed into before it was lowered in place.
        if let Some(ty) = self.inline_types.get(pointer)
            && !self.resolving.contains(pointer)
        {
            return ty.clone();
        }
        let ty = self.lower_inline_uncached(s, pointer, hint, false);
        if shared {
            self.shared_types.insert(pointer.to_owned(), ty.clone());
        } else if pointer.starts_with("/components/schemas/") {
            self.inline_types
                .entry(pointer.to_owned())
                .or_insert_with(|| ty.clone());
        }
        ty
    }

    fn lower_inline_uncached(
        &mut self,
        s: &Schema,
        pointer: &str,
        hint: &str,
        component: bool,
    ) -> TypeRef {
        let ty = match self.shape(s, pointer, hint, component) {
            Shape::Use(t) => t,
            Shape::Define(kind) => {
                let name = self.type_names.claim(hint);
                self.types.insert(
                    name.clone(),
                    TypeDef {
                        name: name.clone(),
                        pointer: pointer.to_owned(),
                        doc: doc_of(s),
                        kind: *kind,
                    },
                );
                TypeRef::Named(name)
            }
        };
        if is_nullable(s) && !matches!(ty, TypeRef::Nullable(_)) {
            TypeRef::Nullable(Box::new(ty))
        } else {
            ty
        }
    }

    /// Decides what `s` is. `component` is true for a named component schema,
    /// which keeps its constraints in a newtype.
    fn shape(&mut self, s: &Schema, pointer: &str, name: &str, component: bool) -> Shape {
        if let Some(value) = s.schema_data.extensions.get(oas31::CONST) {
            return Shape::Define(Box::new(TypeKind::Const {
                value: value.clone(),
            }));
        }
        if let Some(Value::Array(prefix)) = s.schema_data.extensions.get(oas31::PREFIX_ITEMS) {
            return Shape::Use(self.tuple(prefix, pointer, name));
        }
        let v = view(s);
        if !v.one_of.is_empty() || !v.any_of.is_empty() {
            let (alternatives, key) = if v.one_of.is_empty() {
                (v.any_of, "anyOf")
            } else {
                (v.one_of, "oneOf")
            };
            return self.union(s, alternatives, &join(pointer, key), name);
        }
        if !v.all_of.is_empty() {
            return self.all_of(&v, pointer, name);
        }
        if !v.enumeration.is_empty() {
            return self.enumeration(s, &v, pointer);
        }
        if let Some(p) = primitive_of(v.typ, v.format.as_deref()) {
            let inner = TypeRef::Primitive(p);
            if component && v.constraints.has_rules() {
                let constraints = self.checked(v.constraints, pointer);
                return Shape::Define(Box::new(TypeKind::Newtype { inner, constraints }));
            }
            return Shape::Use(inner);
        }
        if v.typ == Some("array") {
            let item = match v.items {
                Some(items) => {
                    self.lower_boxed(items, &join(pointer, "items"), &format!("{name}Item"))
                }
                None => TypeRef::Json,
            };
            return Shape::Use(TypeRef::Array(Box::new(item)));
        }
        let has_properties = v.properties.is_some_and(|p| !p.is_empty());
        if v.typ == Some("object") || has_properties || v.additional.is_some() {
            return self.object(&v, pointer, name);
        }
        // No type, but rules (`maxLength: 5`): any JSON value, each kept to
        // the rules of its own kind (a string's length, a number's range).
        if component && v.typ.is_none() && v.constraints.has_rules() {
            let constraints = self.checked(v.constraints, pointer);
            return Shape::Define(Box::new(TypeKind::Newtype {
                inner: TypeRef::Json,
                constraints,
            }));
        }
        Shape::Use(TypeRef::Json)
    }

    /// Whether every alternative of `v`'s `oneOf`/`anyOf` is an object (so
    /// that their union can be flattened into a struct).
    fn is_object_union(&self, v: &View<'_>, depth: usize) -> bool {
        let alternatives = if v.one_of.is_empty() {
            v.any_of
        } else {
            v.one_of
        };
        depth < 4
            && !alternatives.is_empty()
            && alternatives.iter().all(|alt| {
                let schema = match alt {
                    ReferenceOr::Item(s) => Some(s),
                    ReferenceOr::Reference { reference } => self.component_schema(reference),
                };
                schema.is_some_and(|s| {
                    let av = view(s);
                    !s.schema_data.nullable
                        && (av.typ == Some("object")
                            || av.properties.is_some_and(|p| !p.is_empty())
                            || !av.all_of.is_empty()
                            || ((!av.one_of.is_empty() || !av.any_of.is_empty())
                                && self.is_object_union(&av, depth + 1)))
                })
            })
    }

    /// `prefixItems` with nothing after them: a tuple.
    fn tuple(&mut self, prefix: &[Value], pointer: &str, name: &str) -> TypeRef {
        let at = join(pointer, "prefixItems");
        if prefix.is_empty() || prefix.len() > MAX_TUPLE {
            self.warnings.push(Diagnostic::warning(
                at,
                format!(
                    "a tuple of {} items is read as a list of JSON values (a Rust tuple has 1 to {MAX_TUPLE})",
                    prefix.len()
                ),
            )
.costing(Cost::AnyJson));
            return TypeRef::Array(Box::new(TypeRef::Json));
        }
        let mut items = Vec::with_capacity(prefix.len());
        for (i, item) in prefix.iter().enumerate() {
            let item_ptr = join(&at, &i.to_string());
            match serde_json::from_value::<ReferenceOr<Schema>>(item.clone()) {
                Ok(schema) => {
                    items.push(self.lower_schema(&schema, &item_ptr, &format!("{name}{i}")))
                }
                Err(e) => {
                    self.warnings.push(
                        Diagnostic::warning(
                            item_ptr,
                            format!("not a schema ({e}): the item is read as a JSON value"),
                        )
                        .costing(Cost::AnyJson),
                    );
                    items.push(TypeRef::Json);
                }
            }
        }
        TypeRef::Tuple(items)
    }

    fn object(&mut self, v: &View<'_>, pointer: &str, name: &str) -> Shape {
        let additional = self.additional(v.additional, pointer, name);
        let Some(properties) = v.properties.filter(|p| !p.is_empty()) else {
            // No known properties: a map, unless nothing at all is allowed.
            return match (additional, v.additional) {
                (_, Some(AdditionalProperties::Any(false))) => {
                    Shape::Define(Box::new(TypeKind::Struct {
                        fields: Vec::new(),
                        additional: None,
                        dependent_required: Vec::new(),
                    }))
                }
                (Some(value), _) => Shape::Use(TypeRef::Map(Box::new(value))),
                (None, _) => Shape::Use(TypeRef::Map(Box::new(TypeRef::Json))),
            };
        };
        let mut field_names = Namespace::default();
        let mut fields = Vec::with_capacity(properties.len());
        for (prop, schema) in properties {
            fields.push(self.field(prop, schema, v.required, pointer, name, &mut field_names));
        }
        for req in v.required {
            if !properties.contains_key(req) {
                self.warnings.push(
                    Diagnostic::warning(
                        join(pointer, "required"),
                        format!(
                            "required property `{req}` is not among `properties`; it is ignored"
                        ),
                    )
                    .costing(Cost::Ignored),
                );
            }
        }
        let additional = additional.inspect(|_value| {
            field_names.claim("additional_properties");
        });
        let mut dependent_required = Vec::new();
        for (first, needed) in &v.dependent_required {
            for name in std::iter::once(first).chain(needed) {
                if !properties.contains_key(name) {
                    self.warnings.push(Diagnostic::warning(
                        join(pointer, "dependentRequired"),
                        format!("`{name}` is not among `properties`: the rule that names it is not checked"),
                    )
.costing(Cost::Unchecked));
                }
            }
            dependent_required.push((first.clone(), needed.clone()));
        }
        Shape::Define(Box::new(TypeKind::Struct {
            fields,
            additional,
            dependent_required,
        }))
    }

    fn field(
        &mut self,
        prop: &str,
        schema: &ReferenceOr<Box<Schema>>,
        required: &[String],
        pointer: &str,
        owner: &str,
        field_names: &mut Namespace,
    ) -> Field {
        let prop_ptr = join(&join(pointer, "properties"), prop);
        let hint = format!("{owner}{}", names::camel(prop));
        let ty = self.lower_boxed(schema, &prop_ptr, &hint);
        let (doc, constraints, read_only, write_only) = match schema {
            ReferenceOr::Item(s) => {
                let v = view(s);
                (
                    doc_of(s),
                    self.checked(v.constraints, &prop_ptr),
                    s.schema_data.read_only,
                    s.schema_data.write_only,
                )
            }
            // A list or a map has no type of its own to keep its rules:
            // they are checked where it is used.
            ReferenceOr::Reference { reference } => {
                let c = self
                    .component_schema(reference)
                    .map(view)
                    .filter(|v| {
                        v.typ == Some("array")
                            || (v.typ == Some("object")
                                && v.properties.is_none_or(IndexMap::is_empty)
                                && v.all_of.is_empty()
                                && v.one_of.is_empty()
                                && v.any_of.is_empty())
                    })
                    .map(|v| v.constraints)
                    .unwrap_or_default();
                (None, self.checked(c, &prop_ptr), false, false)
            }
        };
        Field {
            wire_name: prop.to_owned(),
            rust_name: field_names.claim(&names::snake(prop)),
            ty,
            required: required.iter().any(|r| r == prop),
            doc,
            constraints,
            read_only,
            write_only,
            flatten: false,
        }
    }

    fn additional(
        &mut self,
        additional: Option<&AdditionalProperties>,
        pointer: &str,
        name: &str,
    ) -> Option<TypeRef> {
        match additional? {
            AdditionalProperties::Any(true) => Some(TypeRef::Json),
            AdditionalProperties::Any(false) => None,
            AdditionalProperties::Schema(schema) => Some(self.lower_schema(
                schema,
                &join(pointer, "additionalProperties"),
                &format!("{name}Value"),
            )),
        }
    }

    fn enumeration(&mut self, s: &Schema, v: &View<'_>, pointer: &str) -> Shape {
        let strings: Vec<&str> = v.enumeration.iter().filter_map(Value::as_str).collect();
        let non_null = v.enumeration.iter().filter(|e| !e.is_null()).count();
        if strings.len() == non_null && non_null > 0 {
            let mut variant_names = Namespace::default();
            let mut variants = Vec::new();
            let mut seen = std::collections::BTreeSet::new();
            for value in strings {
                if !seen.insert(value) {
                    self.warnings.push(
                        Diagnostic::warning(
                            join(pointer, "enum"),
                            format!("duplicate enum value `{value}` is ignored"),
                        )
                        .costing(Cost::Nothing),
                    );
                    continue;
                }
                variants.push(EnumVariant {
                    wire_name: value.to_owned(),
                    rust_name: variant_names.claim(&names::camel(value)),
                });
            }
            // A null among the values makes the uses nullable (see
            // `is_nullable`); the definition itself stays non-null.
            let terminal = self.terminal_values(s, &variants, pointer);
            let catch_all = variant_names.claim("Unknown");
            return Shape::Define(Box::new(TypeKind::StringEnum {
                variants,
                terminal,
                catch_all,
            }));
        }
        let target = match v.typ {
            Some("integer") => TypeRef::Primitive(Primitive::I64),
            Some("number") => TypeRef::Primitive(Primitive::F64),
            Some("boolean") => TypeRef::Primitive(Primitive::Bool),
            _ => TypeRef::Json,
        };
        let allowed = v.enumeration.iter().map(Value::to_string).collect();
        Shape::Define(Box::new(TypeKind::Alias { target, allowed }))
    }

    fn union(
        &mut self,
        s: &Schema,
        alternatives: &[ReferenceOr<Schema>],
        pointer: &str,
        name: &str,
    ) -> Shape {
        if alternatives.len() == 1 {
            return Shape::Use(self.lower_schema(&alternatives[0], &join(pointer, "0"), name));
        }
        let discriminator = s.schema_data.discriminator.as_ref();
        let mut variant_names = Namespace::default();
        let mut variants = Vec::with_capacity(alternatives.len());
        for (i, alt) in alternatives.iter().enumerate() {
            let alt_ptr = join(pointer, &i.to_string());
            // An inline alternative with a `title` (`StorageCredentialS3`)
            // is named by it.
            let hint = match alt {
                ReferenceOr::Item(s) => s
                    .schema_data
                    .title
                    .as_deref()
                    .map(names::camel)
                    .filter(|t| t.starts_with(|c: char| c.is_ascii_alphabetic()) && t != name),
                ReferenceOr::Reference { .. } => None,
            }
            .unwrap_or_else(|| format!("{name}Variant{i}"));
            let ty = self.lower_schema(alt, &alt_ptr, &hint);
            // The rules of an inline alternative are checked with the union.
            let constraints = match alt {
                ReferenceOr::Item(s) => self.checked(view(s).constraints, &alt_ptr),
                ReferenceOr::Reference { .. } => Constraints::default(),
            };
            let base = match (alt, &ty) {
                (ReferenceOr::Reference { reference }, _) => {
                    names::camel(reference.rsplit('/').next().unwrap_or("Variant"))
                }
                (_, TypeRef::Named(n)) => n
                    .strip_prefix(name)
                    // `Foo2` minus `Foo` is no name: keep the whole one.
                    .filter(|r| r.starts_with(|c: char| c.is_ascii_alphabetic()))
                    .unwrap_or(n)
                    .to_owned(),
                (_, other) => variant_name_for(other),
            };
            let mut tags = Vec::new();
            if let (Some(d), ReferenceOr::Reference { reference }) = (discriminator, alt) {
                tags.extend(
                    d.mapping
                        .iter()
                        .filter(|(_, r)| *r == reference)
                        .map(|(k, _)| k.clone()),
                );
                if tags.is_empty() {
                    tags.push(reference.rsplit('/').next().unwrap_or_default().to_owned());
                }
            }
            variants.push(UnionVariant {
                constraints,
                rust_name: variant_names.claim(&base),
                tags,
                ty,
            });
        }
        // Alternatives of one Rust type decode alike (the first wins): the
        // rules of one cannot be checked without knowing which one is meant.
        let shared: Vec<bool> = variants
            .iter()
            .map(|v| variants.iter().filter(|w| w.ty == v.ty).count() > 1)
            .collect();
        for (v, shared) in variants.iter_mut().zip(shared) {
            if shared && v.constraints.has_rules() {
                v.constraints = Constraints::default();
            }
        }
        let discriminator = discriminator.map(|d| d.property_name.clone());
        if discriminator.is_some() && variants.iter().any(|v| v.tags.is_empty()) {
            self.warnings.push(Diagnostic::warning(
                join(pointer.trim_end_matches("/oneOf").trim_end_matches("/anyOf"), "discriminator"),
                "a discriminator needs every alternative to be a $ref; the alternatives are tried in order instead",
            )
.costing(Cost::Nothing));
            return Shape::Define(Box::new(TypeKind::Union {
                variants,
                discriminator: None,
            }));
        }
        Shape::Define(Box::new(TypeKind::Union {
            variants,
            discriminator,
        }))
    }

    fn all_of(&mut self, v: &View<'_>, pointer: &str, name: &str) -> Shape {
        let own_properties = v.properties.is_some_and(|p| !p.is_empty());
        if v.all_of.len() == 1 && !own_properties {
            let part = join(&join(pointer, "allOf"), "0");
            return Shape::Use(self.lower_schema(&v.all_of[0], &part, name));
        }
        if !own_properties && let Some(shape) = self.all_of_annotated(v, pointer) {
            return shape;
        }
        // Merge the properties of every part (following references and nested
        // allOf); a later part's property replaces an earlier one of the same name.
        let mut merged: IndexMap<String, (ReferenceOr<Box<Schema>>, String)> = IndexMap::new();
        let mut required: Vec<String> = Vec::new();
        let mut additional = None;
        let mut mergeable = true;
        // Parts that are one of several objects: their properties are the
        // struct's, through a flattened field.
        let mut unions: Vec<(&ReferenceOr<Schema>, String)> = Vec::new();
        let mut stack: Vec<(&ReferenceOr<Schema>, String)> = v
            .all_of
            .iter()
            .enumerate()
            .rev()
            .map(|(i, p)| (p, join(&join(pointer, "allOf"), &i.to_string())))
            .collect();
        let mut depth = 0;
        while let Some((part, part_ptr)) = stack.pop() {
            depth += 1;
            if depth > 256 {
                mergeable = false;
                break;
            }
            let (schema, part_ptr) = match part {
                ReferenceOr::Item(s) => (s, part_ptr),
                ReferenceOr::Reference { reference } => match self.component_schema(reference) {
                    Some(s) => {
                        let key = reference.rsplit('/').next().unwrap_or_default();
                        (s, join("/components/schemas", &unescape(key)))
                    }
                    None => {
                        self.resolve_schema_ref(reference, &part_ptr);
                        continue;
                    }
                },
            };
            let pv = view(schema);
            if !pv.all_of.is_empty() {
                for (i, p) in pv.all_of.iter().enumerate().rev() {
                    stack.push((p, join(&join(&part_ptr, "allOf"), &i.to_string())));
                }
            }
            if (!pv.one_of.is_empty() || !pv.any_of.is_empty())
                && pv.all_of.is_empty()
                && pv.properties.is_none_or(IndexMap::is_empty)
                && self.is_object_union(&pv, 0)
            {
                unions.push((part, part_ptr));
                continue;
            }
            if !pv.one_of.is_empty()
                || !pv.any_of.is_empty()
                || matches!(pv.typ, Some(t) if t != "object")
            {
                mergeable = false;
            }
            if let Some(props) = pv.properties {
                for (k, p) in props {
                    merged.insert(k.clone(), (p.clone(), part_ptr.clone()));
                }
            }
            required.extend(pv.required.iter().cloned());
            if pv.additional.is_some() {
                additional = pv.additional;
            }
        }
        if !mergeable {
            self.warnings.push(Diagnostic::warning(
                join(pointer, "allOf"),
                "allOf of parts that are not all objects cannot be merged; it is kept as any JSON value",
            )
.costing(Cost::AnyJson));
            return Shape::Use(TypeRef::Json);
        }
        if let Some(props) = v.properties {
            for (k, p) in props {
                merged.insert(k.clone(), (p.clone(), pointer.to_owned()));
            }
        }
        required.extend(v.required.iter().cloned());
        let mut field_names = Namespace::default();
        let mut fields = Vec::with_capacity(merged.len() + unions.len());
        for (prop, (schema, owner_ptr)) in &merged {
            fields.push(self.field(prop, schema, &required, owner_ptr, name, &mut field_names));
        }
        for (i, (part, part_ptr)) in unions.into_iter().enumerate() {
            let ty = self.lower_schema(part, &part_ptr, &format!("{name}Variant{i}"));
            let base = match &ty {
                TypeRef::Named(n) => names::snake(n),
                _ => "variant".to_owned(),
            };
            fields.push(Field {
                wire_name: String::new(),
                rust_name: field_names.claim(&base),
                ty,
                required: true,
                doc: Some("One of several objects, whose properties are this one's.".to_owned()),
                constraints: Constraints::default(),
                read_only: false,
                write_only: false,
                flatten: true,
            });
        }
        let additional = self.additional(additional.or(v.additional), pointer, name);
        if additional.is_some() {
            field_names.claim("additional_properties");
        }
        Shape::Define(Box::new(TypeKind::Struct {
            fields,
            additional,
            dependent_required: Vec::new(),
        }))
    }
}

/// What one part of an `allOf` contributes, for the shapes that are not a
/// merge of objects.
enum Part<'s> {
    /// A `$ref`.
    Ref(&'s str),
    /// Only annotations (a description, an example, `nullable`…).
    Annotation { nullable: bool },
    /// A primitive type or rules on one: its type (if it names one), its
    /// format, its rules.
    Primitive(Option<&'s str>, Option<String>, Box<Constraints>),
    /// Anything else (properties, items, alternatives, an enum).
    Other,
}

fn part_of(part: &ReferenceOr<Schema>) -> Part<'_> {
    let s = match part {
        ReferenceOr::Reference { reference } => return Part::Ref(reference),
        ReferenceOr::Item(s) => s,
    };
    let v = view(s);
    let structural = v.properties.is_some_and(|p| !p.is_empty())
        || v.items.is_some()
        || v.additional.is_some()
        || !v.one_of.is_empty()
        || !v.all_of.is_empty()
        || !v.any_of.is_empty()
        || !v.enumeration.is_empty()
        || matches!(s.schema_kind, SchemaKind::Not { .. });
    match v.typ {
        _ if structural => Part::Other,
        Some("object" | "array") => Part::Other,
        None if !v.constraints.has_rules() && v.format.is_none() => Part::Annotation {
            nullable: s.schema_data.nullable,
        },
        typ => Part::Primitive(typ, v.format.clone(), Box::new(v.constraints)),
    }
}

/// The rules of both `a` and `b`: the tighter bound of each, the first
/// format and pattern (a second pattern is returned, since one rule cannot
/// hold both).
fn combine(a: Constraints, b: Constraints) -> (Constraints, Option<String>) {
    fn tighter<T: PartialOrd>(a: Option<T>, b: Option<T>, keep_greater: bool) -> Option<T> {
        match (a, b) {
            (Some(x), Some(y)) => Some(if (x > y) == keep_greater { x } else { y }),
            (x, y) => x.or(y),
        }
    }
    fn bound(a: Option<(f64, bool)>, b: Option<(f64, bool)>, lower: bool) -> Option<(f64, bool)> {
        match (a, b) {
            (Some(x), Some(y)) if x.0 == y.0 => Some((x.0, x.1 || y.1)),
            (Some(x), Some(y)) => Some(if (x.0 > y.0) == lower { x } else { y }),
            (x, y) => x.or(y),
        }
    }
    let second_pattern = match (&a.pattern, &b.pattern) {
        (Some(x), Some(y)) if x != y => Some(y.clone()),
        _ => None,
    };
    let merged = Constraints {
        format: a.format.or(b.format),
        pattern: a.pattern.or(b.pattern),
        min_length: tighter(a.min_length, b.min_length, true),
        max_length: tighter(a.max_length, b.max_length, false),
        minimum: bound(a.minimum, b.minimum, true),
        maximum: bound(a.maximum, b.maximum, false),
        multiple_of: a.multiple_of.or(b.multiple_of),
        min_items: tighter(a.min_items, b.min_items, true),
        max_items: tighter(a.max_items, b.max_items, false),
        unique_items: a.unique_items || b.unique_items,
        min_properties: tighter(a.min_properties, b.min_properties, true),
        max_properties: tighter(a.max_properties, b.max_properties, false),
        default: a.default.or(b.default),
        one_of: if a.one_of.is_empty() {
            b.one_of
        } else {
            a.one_of
        },
        items: a.items.or(b.items),
        keys: a.keys.or(b.keys),
    };
    (merged, second_pattern)
}

/// The Rust primitive of a JSON Schema type and format.
fn primitive_of(typ: Option<&str>, format: Option<&str>) -> Option<Primitive> {
    Some(match (typ?, format) {
        ("string", Some("date-time")) => Primitive::DateTime,
        ("string", Some("date")) => Primitive::Date,
        ("string", Some("uuid")) => Primitive::Uuid,
        ("string", Some("binary")) => Primitive::Binary,
        ("string", _) => Primitive::String,
        ("boolean", _) => Primitive::Bool,
        ("integer", Some("int32")) => Primitive::I32,
        ("integer", Some("uint32")) => Primitive::U32,
        ("integer", Some("uint64")) => Primitive::U64,
        ("integer", _) => Primitive::I64,
        ("number", Some("float")) => Primitive::F32,
        ("number", _) => Primitive::F64,
        _ => return None,
    })
}

impl Lowerer<'_> {
    /// An `allOf` that is not a merge of objects: one `$ref` with parts that
    /// only annotate it (`[{$ref: Currency}, {example: USD}]`) is the
    /// referenced type; parts that are all one primitive type, or rules on
    /// it (`[{type: string, maxLength: 8}, {pattern: …}]`), are that type
    /// with every rule. `None` when the parts are something else.
    fn all_of_annotated(&mut self, v: &View<'_>, pointer: &str) -> Option<Shape> {
        let parts: Vec<Part<'_>> = v.all_of.iter().map(part_of).collect();
        if parts.iter().any(|p| matches!(p, Part::Other)) {
            return None;
        }
        let at = |i: usize| join(&join(pointer, "allOf"), &i.to_string());
        let nullable = parts
            .iter()
            .any(|p| matches!(p, Part::Annotation { nullable: true }));
        let refs: Vec<(usize, &str)> = parts
            .iter()
            .enumerate()
            .filter_map(|(i, p)| match p {
                Part::Ref(r) => Some((i, *r)),
                _ => None,
            })
            .collect();
        let shape = match refs.as_slice() {
            [(i, reference)] => {
                let ty = self.resolve_schema_ref(reference, &at(*i));
                for (j, p) in parts.iter().enumerate() {
                    if let Part::Primitive(_, _, rules) = p
                        && rules.has_rules()
                    {
                        self.warnings.push(Diagnostic::warning(
                            at(j),
                            "rules beside a $ref in allOf are not checked: the referenced type keeps its own",
                        )
.costing(Cost::Unchecked));
                    }
                }
                Shape::Use(ty)
            }
            [] => {
                let mut typ: Option<&str> = None;
                let mut format: Option<String> = None;
                let mut rules = Constraints::default();
                for (i, p) in parts.iter().enumerate() {
                    let Part::Primitive(t, f, c) = p else {
                        continue;
                    };
                    match (typ, t) {
                        (Some(a), Some(b)) if a != *b => {
                            self.warnings.push(Diagnostic::warning(
                                at(i),
                                format!("allOf parts contradict each other (`{a}` and `{b}`); it is kept as any JSON value"),
                            )
.costing(Cost::AnyJson));
                            return Some(Shape::Use(TypeRef::Json));
                        }
                        (None, Some(b)) => typ = Some(b),
                        _ => {}
                    }
                    format = format.or_else(|| f.clone());
                    let (merged, dropped) = combine(rules, (**c).clone());
                    rules = merged;
                    if let Some(p) = dropped {
                        self.warnings.push(Diagnostic::warning(
                            join(&at(i), "pattern"),
                            format!("a second pattern `{p}` in allOf is not checked: only the first one is"),
                        )
.costing(Cost::Unchecked));
                    }
                }
                let primitive = primitive_of(typ, format.as_deref())?;
                if matches!(typ, Some("string")) {
                    rules.format = format.filter(|f| CHECKABLE_FORMATS.contains(&f.as_str()));
                }
                let rules = self.checked(rules, pointer);
                let inner = TypeRef::Primitive(primitive);
                if rules.has_rules() {
                    Shape::Define(Box::new(TypeKind::Newtype {
                        inner,
                        constraints: rules,
                    }))
                } else {
                    Shape::Use(inner)
                }
            }
            _ => return None,
        };
        Some(match shape {
            Shape::Use(ty) if nullable && !matches!(ty, TypeRef::Nullable(_)) => {
                Shape::Use(TypeRef::Nullable(Box::new(ty)))
            }
            other => other,
        })
    }

    /// `c` without the patterns the generated client could not check (those
    /// neither regex engine compiles), each dropped with a warning. A
    /// pattern with look-around is kept: the crate checks it with
    /// fancy-regex (its `lookaround` feature, on by default for such an API).
    pub(super) fn checked(&mut self, mut c: Constraints, pointer: &str) -> Constraints {
        if let Some(p) = &c.pattern
            && regex_lite::Regex::new(p).is_err()
        {
            match fancy_regex::Regex::new(p) {
                Ok(_) => self.lookaround = true,
                Err(e) => {
                    self.warnings.push(
                        Diagnostic::warning(
                            join(pointer, "pattern"),
                            format!("pattern `{p}` is not checked before sending: {e}"),
                        )
                        .costing(Cost::Unchecked),
                    );
                    c.pattern = None;
                }
            }
        }
        if let Some(items) = c.items.take() {
            let items = self.checked(*items, &join(pointer, "items"));
            c.items = items.has_rules().then(|| Box::new(items));
        }
        if let Some(keys) = c.keys.take() {
            let keys = self.checked(*keys, &join(pointer, "propertyNames"));
            c.keys = keys.has_rules().then(|| Box::new(keys));
        }
        c
    }

    /// The `x-terminal-values` of an enum schema: the values after which the
    /// resource never changes again. Each must be one of the enum's values.
    fn terminal_values(
        &mut self,
        s: &Schema,
        variants: &[EnumVariant],
        pointer: &str,
    ) -> Vec<String> {
        let Some(value) = s.schema_data.extensions.get(TERMINAL_VALUES) else {
            return Vec::new();
        };
        let ptr = join(pointer, TERMINAL_VALUES);
        let Some(list) = value.as_array() else {
            self.warnings.push(
                Diagnostic::warning(ptr, "must be a list of the enum's values; it is ignored")
                    .costing(Cost::Ignored),
            );
            return Vec::new();
        };
        let mut out = Vec::new();
        for item in list {
            match item.as_str() {
                Some(t) if variants.iter().any(|v| v.wire_name == t) => out.push(t.to_owned()),
                _ => self.warnings.push(
                    Diagnostic::warning(
                        ptr.clone(),
                        format!("`{item}` is not one of the enum's values; it is ignored"),
                    )
                    .costing(Cost::Ignored),
                ),
            }
        }
        out
    }
}

/// The extension that marks an enum's final values.
pub(super) const TERMINAL_VALUES: &str = "x-terminal-values";

/// Whether null is a value of `s`: `nullable`, or a null among its `enum`.
fn is_nullable(s: &Schema) -> bool {
    s.schema_data.nullable || view(s).enumeration.iter().any(Value::is_null)
}

/// The constraints `s` states on its values.
pub(super) fn constraints_of(s: &Schema) -> Constraints {
    view(s).constraints
}

fn variant_name_for(ty: &TypeRef) -> String {
    match ty {
        TypeRef::Named(n) => n.clone(),
        TypeRef::Primitive(Primitive::String) => "String".into(),
        TypeRef::Primitive(Primitive::Bool) => "Bool".into(),
        TypeRef::Primitive(Primitive::F32 | Primitive::F64) => "Number".into(),
        TypeRef::Primitive(_) => "Integer".into(),
        TypeRef::Array(_) => "Array".into(),
        TypeRef::Map(_) => "Map".into(),
        TypeRef::Json => "Json".into(),
        TypeRef::Nullable(inner) | TypeRef::Boxed(inner) => variant_name_for(inner),
        TypeRef::Tuple(_) => "Tuple".into(),
    }
}
