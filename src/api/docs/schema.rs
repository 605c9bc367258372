//! Reading schemas of the OpenAPI description (as JSON) for the reference page: a schema's
//! type in words ([`type_of`]), its fields flattened to rows with `$ref`s followed
//! ([`fields`]), and a minimal value that fits it ([`synthesize`]). Cycles among components
//! and depth are bounded everywhere.

use serde_json::{Map, Value};

/// How deep fields are followed into nested objects and `$ref`s.
pub const MAX_DEPTH: usize = 6;

/// A piece of a type in words: text, a literal value, or the name of a component schema.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Part {
    Text(String),
    Code(String),
    Ref(String),
}

/// One field of a schema, flattened: `items[].product_code`.
#[derive(Debug)]
pub struct Field {
    pub path: String,
    pub ty: Vec<Part>,
    pub required: bool,
    pub description: String,
    /// Constraints and defaults in words (`minimum 0`, `default 1`).
    pub notes: Vec<String>,
}

/// The whole description, for resolving `$ref`s.
#[derive(Clone, Copy)]
pub struct Spec<'a> {
    pub root: &'a Value,
}

/// The component name a `$ref` names (its last segment).
pub fn ref_name(reference: &str) -> &str {
    reference.rsplit('/').next().unwrap_or(reference)
}

impl<'a> Spec<'a> {
    /// What a local `$ref` (`#/components/…`) points to.
    pub fn resolve(self, reference: &str) -> Option<&'a Value> {
        reference
            .strip_prefix('#')
            .and_then(|pointer| self.root.pointer(pointer))
    }

    /// The schema itself, through `$ref`s, single `allOf`s and nullable `oneOf`/`anyOf`s,
    /// with the names of the components passed on the way.
    fn unwrap(self, schema: &'a Value) -> (&'a Value, Vec<String>) {
        let mut names = Vec::new();
        let mut current = schema;
        for _ in 0..MAX_DEPTH {
            if let Some(reference) = current.get("$ref").and_then(Value::as_str) {
                let name = ref_name(reference).to_owned();
                if names.contains(&name) {
                    break;
                }
                names.push(name);
                match self.resolve(reference) {
                    Some(target) => current = target,
                    None => break,
                }
                continue;
            }
            if let Some(single) = single_variant(current) {
                current = single;
                continue;
            }
            break;
        }
        (current, names)
    }

    /// The fields of `schema`, flattened, nested objects and arrays of objects followed.
    pub fn fields(self, schema: &'a Value, max_depth: usize) -> Vec<Field> {
        let mut out = Vec::new();
        let mut stack = Vec::new();
        self.walk(schema, "", 0, max_depth, &mut stack, &mut out);
        out
    }

    fn walk(
        self,
        schema: &'a Value,
        prefix: &str,
        depth: usize,
        max_depth: usize,
        stack: &mut Vec<String>,
        out: &mut Vec<Field>,
    ) {
        if depth > max_depth {
            return;
        }
        let (target, names) = self.unwrap(schema);
        if names.iter().any(|n| stack.contains(n)) {
            return;
        }
        let pushed = names.len();
        stack.extend(names);
        if let Some(parts) = target.get("allOf").and_then(Value::as_array) {
            for part in parts {
                self.walk(part, prefix, depth, max_depth, stack, out);
            }
        } else if types(target).contains(&"array") {
            if let Some(items) = target.get("items") {
                let path = format!("{prefix}[]");
                self.walk(items, &path, depth, max_depth, stack, out);
            }
        } else if let Some(properties) = target.get("properties").and_then(Value::as_object) {
            let required = required_names(target);
            for (name, property) in properties {
                let path = if prefix.is_empty() {
                    name.clone()
                } else {
                    format!("{prefix}.{name}")
                };
                out.push(Field {
                    path: path.clone(),
                    ty: type_of(property),
                    required: required.contains(&name.as_str()),
                    description: description_of(property),
                    notes: notes_of(property),
                });
                if depth < max_depth {
                    self.walk(property, &path, depth + 1, max_depth, stack, out);
                }
            }
        }
        stack.truncate(stack.len() - pushed);
    }

    /// A small value that fits `schema`: its example where it has one, else only the
    /// required fields, each with a plain value of its type.
    pub fn synthesize(self, schema: &'a Value) -> Value {
        self.synth(schema, 0, &mut Vec::new())
    }

    fn synth(self, schema: &'a Value, depth: usize, stack: &mut Vec<String>) -> Value {
        if depth > MAX_DEPTH {
            return Value::Null;
        }
        if let Some(example) = example_of(schema) {
            return example.clone();
        }
        if let Some(reference) = schema.get("$ref").and_then(Value::as_str) {
            let name = ref_name(reference).to_owned();
            if stack.contains(&name) {
                return Value::Null;
            }
            let Some(target) = self.resolve(reference) else {
                return Value::Null;
            };
            stack.push(name);
            let value = self.synth(target, depth + 1, stack);
            stack.pop();
            return value;
        }
        for key in ["oneOf", "anyOf"] {
            if let Some(variants) = schema.get(key).and_then(Value::as_array) {
                return variants
                    .iter()
                    .find(|v| !is_null_schema(v))
                    .map_or(Value::Null, |v| self.synth(v, depth + 1, stack));
            }
        }
        if let Some(parts) = schema.get("allOf").and_then(Value::as_array) {
            let mut merged = Map::new();
            for part in parts {
                if let Value::Object(fields) = self.synth(part, depth + 1, stack) {
                    merged.extend(fields);
                }
            }
            return Value::Object(merged);
        }
        if let Some(first) = schema
            .get("enum")
            .and_then(Value::as_array)
            .and_then(|v| v.first())
        {
            return first.clone();
        }
        if let Some(value) = schema.get("const") {
            return value.clone();
        }
        let kind = types(schema).into_iter().find(|t| *t != "null");
        match kind {
            Some("object") => {
                let required = required_names(schema);
                let mut object = Map::new();
                if let Some(properties) = schema.get("properties").and_then(Value::as_object) {
                    for (name, property) in properties {
                        if required.contains(&name.as_str()) {
                            object.insert(name.clone(), self.synth(property, depth + 1, stack));
                        }
                    }
                }
                Value::Object(object)
            }
            Some("array") => match schema.get("items") {
                Some(items) => Value::Array(vec![self.synth(items, depth + 1, stack)]),
                None => Value::Array(Vec::new()),
            },
            Some("integer" | "number") => {
                Value::from(schema.get("minimum").and_then(Value::as_i64).unwrap_or(1))
            }
            Some("boolean") => Value::Bool(true),
            Some("string") => Value::String(
                match schema.get("format").and_then(Value::as_str) {
                    Some("date") => "2024-01-01",
                    Some("date-time") => "2024-01-01T12:00:00+03:00",
                    Some("uuid") => "00000000-0000-4000-8000-000000000001",
                    Some("decimal") => "1",
                    _ => "string",
                }
                .to_owned(),
            ),
            _ => Value::Null,
        }
    }
}

/// The `type` keyword as a list (`"string"` or `["string", "null"]`).
fn types(schema: &Value) -> Vec<&str> {
    match schema.get("type") {
        Some(Value::String(t)) => vec![t.as_str()],
        Some(Value::Array(list)) => list.iter().filter_map(Value::as_str).collect(),
        _ => Vec::new(),
    }
}

fn required_names(schema: &Value) -> Vec<&str> {
    schema
        .get("required")
        .and_then(Value::as_array)
        .map(|list| list.iter().filter_map(Value::as_str).collect())
        .unwrap_or_default()
}

fn is_null_schema(schema: &Value) -> bool {
    types(schema) == ["null"] && schema.get("$ref").is_none()
}

/// The one variant of a `oneOf`/`anyOf` that is not `null`, or the one part of an `allOf`.
fn single_variant(schema: &Value) -> Option<&Value> {
    for key in ["oneOf", "anyOf", "allOf"] {
        if let Some(variants) = schema.get(key).and_then(Value::as_array) {
            let mut rest = variants.iter().filter(|v| !is_null_schema(v));
            let first = rest.next()?;
            return rest.next().is_none().then_some(first);
        }
    }
    None
}

/// The example a schema carries (`example`, or the first of `examples`).
pub fn example_of(schema: &Value) -> Option<&Value> {
    schema.get("example").or_else(|| {
        schema
            .get("examples")
            .and_then(Value::as_array)
            .and_then(|list| list.first())
    })
}

/// A field's description: its own, or that of its one non-null variant.
fn description_of(schema: &Value) -> String {
    if let Some(text) = schema.get("description").and_then(Value::as_str) {
        return text.to_owned();
    }
    for key in ["oneOf", "anyOf", "allOf"] {
        if let Some(variants) = schema.get(key).and_then(Value::as_array) {
            if let Some(text) = variants
                .iter()
                .find_map(|v| v.get("description").and_then(Value::as_str))
            {
                return text.to_owned();
            }
        }
    }
    String::new()
}

/// Bounds, lengths and defaults of a field, in words.
fn notes_of(schema: &Value) -> Vec<String> {
    const WORDS: [(&str, &str); 9] = [
        ("minimum", "minimum"),
        ("maximum", "maximum"),
        ("exclusiveMinimum", "greater than"),
        ("exclusiveMaximum", "less than"),
        ("minLength", "minimum length"),
        ("maxLength", "maximum length"),
        ("minItems", "at least items:"),
        ("maxItems", "at most items:"),
        ("default", "default"),
    ];
    WORDS
        .iter()
        .filter_map(|(key, words)| schema.get(*key).map(|v| format!("{words} {v}")))
        .collect()
}

/// A schema's type in words: `integer (int64)`, `array of InvoiceItemIn`, `string or null`,
/// `string: one of "a", "b"`.
pub fn type_of(schema: &Value) -> Vec<Part> {
    let mut parts = Vec::new();
    type_into(schema, 0, &mut parts);
    parts
}

fn text(parts: &mut Vec<Part>, s: &str) {
    parts.push(Part::Text(s.to_owned()));
}

fn type_into(schema: &Value, depth: usize, parts: &mut Vec<Part>) {
    if depth > MAX_DEPTH {
        text(parts, "…");
        return;
    }
    if let Some(reference) = schema.get("$ref").and_then(Value::as_str) {
        parts.push(Part::Ref(ref_name(reference).to_owned()));
        return;
    }
    for (key, joiner) in [("oneOf", " or "), ("anyOf", " or "), ("allOf", " and ")] {
        if let Some(variants) = schema.get(key).and_then(Value::as_array) {
            let nullable = variants.iter().any(is_null_schema);
            let rest: Vec<&Value> = variants.iter().filter(|v| !is_null_schema(v)).collect();
            for (i, variant) in rest.iter().enumerate() {
                if i > 0 {
                    text(parts, joiner);
                }
                type_into(variant, depth + 1, parts);
            }
            if rest.is_empty() {
                text(parts, "null");
            } else if nullable {
                text(parts, " or null");
            }
            return;
        }
    }
    let all = types(schema);
    let nullable = all.contains(&"null");
    let base: Vec<&str> = all.iter().copied().filter(|t| *t != "null").collect();
    let listed = schema.get("enum").is_some() || schema.get("const").is_some();
    if base.is_empty() && !nullable && !listed {
        text(parts, "any");
    }
    for (i, kind) in base.iter().enumerate() {
        if i > 0 {
            text(parts, " or ");
        }
        match *kind {
            "array" => {
                text(parts, "array of ");
                match schema.get("items") {
                    Some(items) => type_into(items, depth + 1, parts),
                    None => text(parts, "any"),
                }
            }
            "object" => match schema.get("additionalProperties") {
                Some(values @ Value::Object(_)) => {
                    text(parts, "map of string to ");
                    type_into(values, depth + 1, parts);
                }
                _ => text(parts, "object"),
            },
            other => {
                text(parts, other);
                if let Some(format) = schema.get("format").and_then(Value::as_str) {
                    parts.push(Part::Text(format!(" ({format})")));
                }
            }
        }
    }
    if let Some(values) = schema.get("enum").and_then(Value::as_array) {
        text(
            parts,
            if base.is_empty() {
                "one of "
            } else {
                ": one of "
            },
        );
        for (i, value) in values.iter().enumerate() {
            if i > 0 {
                text(parts, ", ");
            }
            parts.push(Part::Code(value.to_string()));
        }
    }
    if let Some(value) = schema.get("const") {
        text(parts, if base.is_empty() { "" } else { " " });
        parts.push(Part::Code(value.to_string()));
    }
    if nullable {
        text(parts, if base.is_empty() { "null" } else { " or null" });
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A JSON value from its text.
    fn json(text: &str) -> Value {
        serde_json::from_str(text).expect("json")
    }

    fn words(parts: &[Part]) -> String {
        parts
            .iter()
            .map(|p| match p {
                Part::Text(t) | Part::Code(t) => t.clone(),
                Part::Ref(name) => format!("<{name}>"),
            })
            .collect()
    }

    #[test]
    fn types_read_as_words() {
        let cases = [
            (
                json(r#"{"type": "integer", "format": "int64"}"#),
                "integer (int64)",
            ),
            (json(r#"{"type": ["string", "null"]}"#), "string or null"),
            (
                json(r##"{"type": "array", "items": {"$ref": "#/components/schemas/A"}}"##),
                "array of <A>",
            ),
            (
                json(r##"{"oneOf": [{"type": "null"}, {"$ref": "#/components/schemas/B"}]}"##),
                "<B> or null",
            ),
            (
                json(r#"{"type": "string", "enum": ["wire", "unwire"]}"#),
                "string: one of \"wire\", \"unwire\"",
            ),
            (json(r"{}"), "any"),
            (
                json(r#"{"enum": [0, "no_cancel"]}"#),
                "one of 0, \"no_cancel\"",
            ),
        ];
        for (schema, expected) in cases {
            assert_eq!(words(&type_of(&schema)), expected, "{schema}");
        }
    }

    #[test]
    fn fields_follow_refs_and_stop_at_cycles() {
        let root = json(
            r##"{"components": {"schemas": {
            "Node": {"type": "object", "required": ["name"], "properties": {
                "name": {"type": "string", "description": "its name"},
                "children": {"type": "array", "items": {"$ref": "#/components/schemas/Node"}},
                "next": {"oneOf": [{"type": "null"}, {"$ref": "#/components/schemas/Leaf"}]}
            }},
            "Leaf": {"type": "object", "properties": {"value": {"type": "integer"}}}
        }}}"##,
        );
        let spec = Spec { root: &root };
        let schema = json(r##"{"$ref": "#/components/schemas/Node"}"##);
        let fields = spec.fields(&schema, MAX_DEPTH);
        let paths: Vec<&str> = fields.iter().map(|f| f.path.as_str()).collect();
        assert_eq!(paths, ["children", "name", "next", "next.value"]);
        assert!(fields[1].required && !fields[0].required);
        assert_eq!(fields[1].description, "its name");
        let value = spec.synthesize(&schema);
        assert_eq!(value, json(r#"{"name": "string"}"#));
    }
}
