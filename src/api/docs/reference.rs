//! The API reference (`GET /docs`), written from the OpenAPI description: an introduction
//! (keys, the demo account, versions, the answers every operation shares), a table of
//! contents by tag, one entry per operation (anchor `op-{operationId}`) with its parameters,
//! request body fields, answers, key and a `curl` example, then every component schema.

use std::collections::{BTreeMap, BTreeSet};

use serde_json::Value;

use super::examples::{self, Key};
use super::html::Html;
use super::schema::{self, Field, Part, Spec};

/// The HTTP methods of a path item, in the order the page lists them.
const METHODS: [&str; 8] = [
    "get", "post", "put", "patch", "delete", "head", "options", "trace",
];

/// Tags in the order of the contract's sections (the point of sale before delivery, so that
/// the receipt the receipt example uploads is there for the receipt-info example); others
/// follow, `meta` last.
const TAG_ORDER: [&str; 11] = [
    "auth",
    "storage",
    "invoices",
    "moves",
    "products",
    "pos",
    "delivery",
    "feeds",
    "exports",
    "adjustments",
    "admin",
];

const V10: &str = "/a/v1.0/";
const V11: &str = "/a/v1.1/";

/// Dates the examples use.
pub struct Dates {
    pub today: String,
    pub month_ago: String,
}

/// One operation of the description.
struct Operation<'a> {
    method: &'static str,
    path: &'a str,
    item: &'a Value,
    op: &'a Value,
    anchor: String,
    tag: String,
    /// The same operation under `/a/v1.1`: its path and anchor.
    twin: Option<(String, String)>,
}

/// The anchor of an operation: `op-` and its operationId (else its method and path).
pub fn anchor(method: &str, path: &str, op: &Value) -> String {
    if let Some(id) = op.get("operationId").and_then(Value::as_str) {
        format!("op-{id}")
    } else {
        let slug: String = path
            .chars()
            .map(|c| if c.is_ascii_alphanumeric() { c } else { '-' })
            .collect();
        format!("op-{method}{slug}")
    }
}

fn operation_id(op: &Value) -> &str {
    op.get("operationId").and_then(Value::as_str).unwrap_or("")
}

fn tag_rank(tag: &str) -> (usize, String) {
    let rank = match TAG_ORDER.iter().position(|t| *t == tag) {
        Some(i) => i,
        None if tag == "meta" => TAG_ORDER.len() + 1,
        None => TAG_ORDER.len(),
    };
    (rank, tag.to_owned())
}

/// Operations shown in this order, ahead of the rest of their tag (which stay in path order):
/// where path order would have an example use what a later one makes, or delete what a later
/// one needs.
const WALKTHROUGH: [&str; 7] = [
    "create_webhook",
    "list_webhooks",
    "get_webhook",
    "test_webhook",
    "list_deliveries",
    "replay_delivery",
    "delete_webhook",
];

/// The operations to list in full, grouped by tag in page order. Operations under
/// `/a/v1.1` that have a twin under `/a/v1.0` are folded into the twin's entry.
fn operations(spec: &Value) -> Vec<(String, Vec<Operation<'_>>)> {
    let Some(paths) = spec.get("paths").and_then(Value::as_object) else {
        return Vec::new();
    };
    let mut groups: BTreeMap<(usize, String), Vec<Operation<'_>>> = BTreeMap::new();
    for (path, item) in paths {
        let twin_path = path.strip_prefix(V11).map(|rest| format!("{V10}{rest}"));
        for method in METHODS {
            let Some(op) = item.get(method).filter(|op| op.is_object()) else {
                continue;
            };
            if let Some(twin_path) = &twin_path {
                if paths
                    .get(twin_path)
                    .and_then(|twin| twin.get(method))
                    .is_some()
                {
                    continue;
                }
            }
            let twin = path.strip_prefix(V10).and_then(|rest| {
                let twin_path = format!("{V11}{rest}");
                let twin_op = paths.get(&twin_path)?.get(method)?;
                let twin_anchor = anchor(method, &twin_path, twin_op);
                Some((twin_path, twin_anchor))
            });
            let tag = op
                .get("tags")
                .and_then(Value::as_array)
                .and_then(|tags| tags.first())
                .and_then(Value::as_str)
                .unwrap_or("other")
                .to_owned();
            groups.entry(tag_rank(&tag)).or_default().push(Operation {
                method,
                path,
                item,
                op,
                anchor: anchor(method, path, op),
                tag,
                twin,
            });
        }
    }
    for ops in groups.values_mut() {
        ops.sort_by_key(|o| {
            WALKTHROUGH
                .iter()
                .position(|id| *id == operation_id(o.op))
                .unwrap_or(WALKTHROUGH.len())
        });
    }
    groups
        .into_iter()
        .map(|((_, tag), ops)| (tag, ops))
        .collect()
}

/// Writes the reference page's body.
pub fn write(h: &mut Html, spec_json: &Value, dates: &Dates) {
    let spec = Spec { root: spec_json };
    let groups = operations(spec_json);
    let info = spec_json.get("info").unwrap_or(&Value::Null);
    let title = info.get("title").and_then(Value::as_str).unwrap_or("API");
    let version = info.get("version").and_then(Value::as_str).unwrap_or("");

    h.raw("<header><h1>")
        .text(title)
        .raw(" API reference</h1>\n<p class=\"sub\">Version ");
    h.text(version);
    h.raw(" · generated from <a href=\"/openapi.json\">/openapi.json</a> · <a href=\"/\">home</a></p></header>\n<main>\n");

    h.raw("<section id=\"intro\">\n");
    if let Some(description) = info.get("description").and_then(Value::as_str) {
        h.prose(description);
    }
    write_getting_started(h);
    write_security_schemes(h, spec_json);
    write_versions(h, spec_json, &groups);
    write_shared_answers(h, spec_json);
    h.raw("</section>\n");

    write_contents(h, &groups);
    for (tag, ops) in &groups {
        h.raw("<section class=\"tag\" id=\"tag-")
            .text(tag)
            .raw("\">\n<h2>")
            .text(tag);
        h.raw("</h2>\n");
        for op in ops {
            write_operation(h, spec, op, dates);
        }
        h.raw("</section>\n");
    }
    write_schemas(h, spec);
    h.raw("</main>\n");
}

fn write_getting_started(h: &mut Html) {
    h.raw("<h2 id=\"examples\">Trying the examples</h2>\n");
    h.raw(
        "<p>Every operation below ends with a <code>curl</code> line written for the demo \
account. Start the server with <code>caffesta serve --demo</code>: it makes the account \
<code>demo</code> (a cafe with a month of history) and prints three keys for it. Put them in \
the shell:</p>\n<pre><code>",
    );
    h.text(
        "KEY=…            # the API key serve --demo printed\n\
TERMINAL_KEY=…   # the terminal key (shop 1), for /a/v1.0/pos/…\n\
ADMIN_KEY=…      # the admin key, for /admin/v1/…",
    );
    h.raw(
        "</code></pre>\n<p>More keys: <code>caffesta key create --account demo [--scope \
api|terminal|admin] [--shop N]</code>. The account is named by the <code>Host</code> header \
(<code>",
    );
    h.text(examples::HOST);
    h.raw(
        "</code>: the account <code>demo</code> on the default port; change the port if you \
serve on another). Most examples change the demo's data; some build on those before them on \
the page (the wiring examples wire what the create examples made, the annulment names the \
receipt the receipt example uploads): on a fresh demo account they work in page order, and \
their notes say what they assume. If your <code>curl</code> does not resolve \
<code>demo.localhost</code>, send to <code>127.0.0.1:8080</code> with <code>-H 'Host: \
demo.localhost:8080'</code>.</p>\n",
    );
}

fn write_security_schemes(h: &mut Html, spec: &Value) {
    let Some(schemes) = spec
        .pointer("/components/securitySchemes")
        .and_then(Value::as_object)
    else {
        return;
    };
    h.raw("<h2 id=\"security\">Keys</h2>\n<table>\n<tr><th>Scheme</th><th>Sent as</th><th>Description</th></tr>\n");
    for (name, scheme) in schemes {
        h.raw("<tr><td><code>").text(name).raw("</code></td><td>");
        write_scheme(h, scheme);
        h.raw("</td><td>");
        h.inline(
            scheme
                .get("description")
                .and_then(Value::as_str)
                .unwrap_or(""),
        );
        h.raw("</td></tr>\n");
    }
    h.raw("</table>\n");
}

/// How a security scheme is sent: `header X-API-KEY`.
fn write_scheme(h: &mut Html, scheme: &Value) {
    let kind = scheme.get("type").and_then(Value::as_str).unwrap_or("");
    match kind {
        "apiKey" => {
            h.text(scheme.get("in").and_then(Value::as_str).unwrap_or(""));
            h.raw(" <code>");
            h.text(scheme.get("name").and_then(Value::as_str).unwrap_or(""));
            h.raw("</code>");
        }
        "http" => {
            h.raw("HTTP ");
            h.text(scheme.get("scheme").and_then(Value::as_str).unwrap_or(""));
        }
        other => {
            h.text(other);
        }
    }
}

/// Every text of the description (outside its general introduction) that mentions v1.1,
/// with where it is; and the operations whose v1.1 twin is described differently.
fn v11_differences(spec: &Value, groups: &[(String, Vec<Operation<'_>>)]) -> Vec<(String, String)> {
    let mut found = Vec::new();
    for (_, ops) in groups {
        for op in ops {
            let place = format!("{} {}", op.method.to_uppercase(), op.path);
            for key in ["summary", "description"] {
                if let Some(text) = op.op.get(key).and_then(Value::as_str) {
                    if text.contains("v1.1") {
                        found.push((place.clone(), text.to_owned()));
                    }
                }
            }
            if let Some((twin_path, _)) = &op.twin {
                let twin = spec
                    .get("paths")
                    .and_then(|p| p.get(twin_path))
                    .and_then(|i| i.get(op.method));
                if let Some(twin) = twin {
                    if without_id(twin) != without_id(op.op) {
                        found.push((
                            format!("{} {twin_path}", op.method.to_uppercase()),
                            "described differently from its v1.0 twin: see /openapi.json"
                                .to_owned(),
                        ));
                    }
                }
            }
        }
    }
    if let Some(schemas) = spec
        .pointer("/components/schemas")
        .and_then(Value::as_object)
    {
        for (name, schema) in schemas {
            mentions(schema, name, &mut found);
        }
    }
    let mut seen = BTreeSet::new();
    found.retain(|entry| seen.insert(entry.clone()));
    found
}

fn without_id(op: &Value) -> Value {
    let mut op = op.clone();
    if let Some(object) = op.as_object_mut() {
        object.remove("operationId");
    }
    op
}

/// Descriptions mentioning v1.1 inside a schema, named `Schema.field`.
fn mentions(schema: &Value, place: &str, found: &mut Vec<(String, String)>) {
    match schema {
        Value::Object(object) => {
            if let Some(text) = object.get("description").and_then(Value::as_str) {
                if text.contains("v1.1") {
                    found.push((place.to_owned(), text.to_owned()));
                }
            }
            for (key, value) in object {
                if key == "properties" {
                    if let Some(properties) = value.as_object() {
                        for (field, property) in properties {
                            mentions(property, &format!("{place}.{field}"), found);
                        }
                    }
                } else if key != "description" {
                    mentions(value, place, found);
                }
            }
        }
        Value::Array(items) => {
            for item in items {
                mentions(item, place, found);
            }
        }
        _ => {}
    }
}

fn write_versions(h: &mut Html, spec: &Value, groups: &[(String, Vec<Operation<'_>>)]) {
    h.raw(
        "<h2 id=\"versions\">Versions</h2>\n<p>Every path under <code>/a/v1.0</code> also \
answers under <code>/a/v1.1</code>, with the same parameters and bodies; each entry below \
names its v1.1 twin (operation id with <code>_v1_1</code>). ",
    );
    let differences = v11_differences(spec, groups);
    if differences.is_empty() {
        h.raw("The description names no difference.</p>\n");
        return;
    }
    h.raw("What v1.1 answers differently, as described:</p>\n<ul>\n");
    for (place, text) in differences {
        h.raw("<li><code>")
            .text(&place)
            .raw("</code>: ")
            .inline(&text)
            .raw("</li>\n");
    }
    h.raw("</ul>\n");
}

fn write_shared_answers(h: &mut Html, spec: &Value) {
    let Some(responses) = spec
        .pointer("/components/responses")
        .and_then(Value::as_object)
    else {
        return;
    };
    h.raw(
        "<h2 id=\"answers\">Shared answers</h2>\n<p>Errors always answer the envelope \
<code>{\"success\": false, \"data\": {\"error\": …, \"field\": …}}</code>. The answers many \
operations share:</p>\n<table>\n<tr><th>Name</th><th>Description</th></tr>\n",
    );
    for (name, response) in responses {
        h.raw("<tr><td id=\"response-")
            .text(name)
            .raw("\"><code>")
            .text(name);
        h.raw("</code></td><td>");
        h.inline(
            response
                .get("description")
                .and_then(Value::as_str)
                .unwrap_or(""),
        );
        h.raw("</td></tr>\n");
    }
    h.raw("</table>\n");
}

/// The first line of a summary, for the table of contents.
fn first_line(text: &str) -> String {
    let paragraph = text.split("\n\n").next().unwrap_or("");
    paragraph.split_whitespace().collect::<Vec<_>>().join(" ")
}

fn write_contents(h: &mut Html, groups: &[(String, Vec<Operation<'_>>)]) {
    h.raw("<nav id=\"contents\">\n<h2>Operations</h2>\n");
    for (tag, ops) in groups {
        h.raw("<h3><a href=\"#tag-")
            .text(tag)
            .raw("\">")
            .text(tag)
            .raw("</a></h3>\n<ul>\n");
        for op in ops {
            h.raw("<li><a href=\"#")
                .text(&op.anchor)
                .raw("\"><span class=\"m m-");
            h.text(op.method)
                .raw("\">")
                .text(&op.method.to_uppercase())
                .raw("</span> <code>");
            h.text(op.path).raw("</code></a> ");
            let summary = op.op.get("summary").and_then(Value::as_str).unwrap_or("");
            h.inline(&first_line(summary));
            h.raw("</li>\n");
        }
        h.raw("</ul>\n");
    }
    h.raw("</nav>\n");
}

/// Writes a type in words, component names linked to their schema.
fn write_type(h: &mut Html, spec: Spec<'_>, parts: &[Part]) {
    for part in parts {
        match part {
            Part::Text(text) => {
                h.text(text);
            }
            Part::Code(text) => {
                h.raw("<code>").text(text).raw("</code>");
            }
            Part::Ref(name) => {
                let known = spec
                    .root
                    .pointer("/components/schemas")
                    .and_then(|s| s.get(name.as_str()));
                if let Some(target) = known {
                    h.raw("<a href=\"#schema-")
                        .text(name)
                        .raw("\"><code>")
                        .text(name);
                    h.raw("</code></a>");
                    write_values(h, target);
                } else {
                    h.raw("<code>").text(name).raw("</code>");
                }
            }
        }
    }
}

/// The values of a component that is a short list of values, after its name: `(0, 1, 2)`.
fn write_values(h: &mut Html, target: &Value) {
    const AT_MOST: usize = 12;
    let Some(values) = target.get("enum").and_then(Value::as_array) else {
        return;
    };
    if values.len() > AT_MOST {
        return;
    }
    h.raw(" (");
    for (i, value) in values.iter().enumerate() {
        if i > 0 {
            h.raw(", ");
        }
        h.raw("<code>").text(&value.to_string()).raw("</code>");
    }
    h.raw(")");
}

fn write_fields(h: &mut Html, spec: Spec<'_>, fields: &[Field]) {
    if fields.is_empty() {
        return;
    }
    h.raw("<table class=\"fields\">\n<tr><th>Field</th><th>Type</th><th>Required</th><th>Description</th></tr>\n");
    for field in fields {
        let depth = field.path.matches('.').count();
        h.raw("<tr><td class=\"d")
            .number(depth.min(6))
            .raw("\"><code>");
        h.text(&field.path).raw("</code></td><td>");
        write_type(h, spec, &field.ty);
        h.raw("</td><td>");
        h.raw(if field.required { "yes" } else { "no" });
        h.raw("</td><td>");
        h.inline(&field.description);
        if !field.notes.is_empty() {
            h.raw(" <span class=\"note\">(")
                .text(&field.notes.join("; "))
                .raw(")</span>");
        }
        h.raw("</td></tr>\n");
    }
    h.raw("</table>\n");
}

/// A `$ref` of `components.parameters` or `components.responses`, followed once.
fn follow<'a>(spec: Spec<'a>, value: &'a Value) -> &'a Value {
    value
        .get("$ref")
        .and_then(Value::as_str)
        .and_then(|r| spec.resolve(r))
        .unwrap_or(value)
}

/// The operation's parameters with those of its path item, by `(in, name)`.
fn parameters<'a>(spec: Spec<'a>, op: &Operation<'a>) -> Vec<&'a Value> {
    let mut out: Vec<&Value> = Vec::new();
    for source in [op.op, op.item] {
        let Some(list) = source.get("parameters").and_then(Value::as_array) else {
            continue;
        };
        for parameter in list {
            let parameter = follow(spec, parameter);
            let key = (parameter.get("in"), parameter.get("name"));
            if !out.iter().any(|p| (p.get("in"), p.get("name")) == key) {
                out.push(parameter);
            }
        }
    }
    out
}

fn str_of<'a>(value: &'a Value, key: &str) -> &'a str {
    value.get(key).and_then(Value::as_str).unwrap_or("")
}

fn write_operation(h: &mut Html, spec: Spec<'_>, op: &Operation<'_>, dates: &Dates) {
    let method = op.method.to_uppercase();
    h.raw("<section class=\"op\" id=\"")
        .text(&op.anchor)
        .raw("\">\n<h3><span class=\"m m-");
    h.text(op.method)
        .raw("\">")
        .text(&method)
        .raw("</span> <code>")
        .text(op.path);
    h.raw("</code> <a class=\"self\" href=\"#")
        .text(&op.anchor)
        .raw("\">#</a></h3>\n");
    if let Some(summary) = op.op.get("summary").and_then(Value::as_str) {
        h.prose(summary);
    }
    if let Some(description) = op.op.get("description").and_then(Value::as_str) {
        h.prose(description);
    }
    if op.op.get("deprecated").and_then(Value::as_bool) == Some(true) {
        h.raw("<p><strong>Deprecated.</strong></p>\n");
    }
    h.raw("<p class=\"meta\">Operation <code>")
        .text(operation_id(op.op))
        .raw("</code>");
    if let Some((twin_path, twin_anchor)) = &op.twin {
        h.raw(" · also <code id=\"")
            .text(twin_anchor)
            .raw("\">")
            .text(&method)
            .raw(" ");
        h.text(twin_path).raw("</code>");
    }
    h.raw(" · tag ").text(&op.tag).raw("</p>\n");

    let key = write_security(h, spec, op);

    let params = parameters(spec, op);
    if !params.is_empty() {
        h.raw("<h4>Parameters</h4>\n<table>\n<tr><th>Name</th><th>In</th><th>Type</th><th>Required</th><th>Description</th></tr>\n");
        for parameter in &params {
            h.raw("<tr><td><code>")
                .text(str_of(parameter, "name"))
                .raw("</code></td><td>");
            h.text(str_of(parameter, "in")).raw("</td><td>");
            if let Some(schema) = parameter.get("schema") {
                write_type(h, spec, &schema::type_of(schema));
            }
            h.raw("</td><td>");
            let required = parameter.get("required").and_then(Value::as_bool) == Some(true);
            h.raw(if required { "yes" } else { "no" });
            h.raw("</td><td>");
            h.inline(str_of(parameter, "description"));
            h.raw("</td></tr>\n");
        }
        h.raw("</table>\n");
    }

    let body = op.op.get("requestBody").map(|b| follow(spec, b));
    let body_schema = body.and_then(|b| {
        let content = b.get("content")?.as_object()?;
        content
            .get("application/json")
            .or_else(|| content.values().next())
    });
    if let Some(body) = body {
        h.raw("<h4>Request body</h4>\n<p>");
        let required = body.get("required").and_then(Value::as_bool) == Some(true);
        h.raw(if required { "Required. " } else { "Optional. " });
        if let Some(content) = body.get("content").and_then(Value::as_object) {
            for (media, content) in content {
                h.raw("<code>").text(media).raw("</code>");
                if let Some(schema) = content.get("schema") {
                    h.raw(": ");
                    write_type(h, spec, &schema::type_of(schema));
                }
                h.raw(" ");
            }
        }
        h.raw("</p>\n");
        if let Some(description) = body.get("description").and_then(Value::as_str) {
            h.prose(description);
        }
        if let Some(schema) = body_schema.and_then(|c| c.get("schema")) {
            write_fields(h, spec, &spec.fields(schema, schema::MAX_DEPTH));
        }
    }

    write_responses(h, spec, op);
    write_example(h, spec, op, &params, body_schema, key, dates);
    h.raw("</section>\n");
}

/// Writes the operation's security requirement; answers the key its example sends.
fn write_security(h: &mut Html, spec: Spec<'_>, op: &Operation<'_>) -> Option<Key> {
    let requirements = op
        .op
        .get("security")
        .or_else(|| spec.root.get("security"))
        .and_then(Value::as_array)
        .filter(|list| !list.is_empty());
    h.raw("<p class=\"meta\">Key: ");
    let Some(requirements) = requirements else {
        h.raw("none.</p>\n");
        return None;
    };
    for (i, requirement) in requirements.iter().enumerate() {
        if i > 0 {
            h.raw(" or ");
        }
        let names = requirement
            .as_object()
            .map(|o| o.keys().collect::<Vec<_>>());
        for name in names.unwrap_or_default() {
            let scheme = spec
                .root
                .pointer("/components/securitySchemes")
                .and_then(|s| s.get(name.as_str()));
            match scheme {
                Some(scheme) => write_scheme(h, scheme),
                None => {
                    h.text(name);
                }
            }
            h.raw(" (<a href=\"#security\">").text(name).raw("</a>)");
        }
    }
    let key = Key::for_path(op.path);
    h.raw(", ");
    h.raw(match key {
        Key::Api => "an <code>api</code> or <code>admin</code> key",
        Key::Terminal => "a <code>terminal</code> key bound to the shop",
        Key::Admin => "an <code>admin</code> key",
    });
    h.raw(" (<code>")
        .text(key.variable())
        .raw("</code> in the example).</p>\n");
    Some(key)
}

fn write_responses(h: &mut Html, spec: Spec<'_>, op: &Operation<'_>) {
    let Some(responses) = op.op.get("responses").and_then(Value::as_object) else {
        return;
    };
    h.raw(
        "<h4>Responses</h4>\n<table>\n<tr><th>Status</th><th>Description</th><th>Body</th></tr>\n",
    );
    for (status, response) in responses {
        let shared = response
            .get("$ref")
            .and_then(Value::as_str)
            .map(schema::ref_name);
        let response = follow(spec, response);
        h.raw("<tr><td><code>").text(status).raw("</code></td><td>");
        h.inline(str_of(response, "description"));
        if let Some(name) = shared {
            h.raw(" <span class=\"note\">(<a href=\"#response-")
                .text(name)
                .raw("\">");
            h.text(name).raw("</a>)</span>");
        }
        if let Some(headers) = response.get("headers").and_then(Value::as_object) {
            for name in headers.keys() {
                h.raw(" <span class=\"note\">header <code>")
                    .text(name)
                    .raw("</code></span>");
            }
        }
        h.raw("</td><td>");
        if let Some(content) = response.get("content").and_then(Value::as_object) {
            for (i, (media, content)) in content.iter().enumerate() {
                if i > 0 {
                    h.raw("<br>");
                }
                if let Some(schema) = content.get("schema") {
                    write_type(h, spec, &schema::type_of(schema));
                    h.raw(" ");
                }
                h.raw("<span class=\"note\">").text(media).raw("</span>");
            }
        }
        h.raw("</td></tr>\n");
    }
    h.raw("</table>\n");
}

fn write_example(
    h: &mut Html,
    spec: Spec<'_>,
    op: &Operation<'_>,
    params: &[&Value],
    body_content: Option<&Value>,
    key: Option<Key>,
    dates: &Dates,
) {
    let id = operation_id(op.op);
    let mut url = op.path.to_owned();
    let mut query_names = Vec::new();
    for parameter in params {
        let name = str_of(parameter, "name");
        match str_of(parameter, "in") {
            "path" => {
                let value = parameter
                    .get("example")
                    .and_then(Value::as_str)
                    .map_or_else(
                        || examples::path_value(id, op.path, name, &dates.today),
                        str::to_owned,
                    );
                url = url.replace(&format!("{{{name}}}"), &value);
            }
            "query" => query_names.push(name),
            _ => {}
        }
    }
    let query = examples::query(&query_names, &dates.today, &dates.month_ago);
    for (i, (name, value)) in query.iter().enumerate() {
        url.push(if i == 0 { '?' } else { '&' });
        url.push_str(name);
        url.push('=');
        url.push_str(value);
    }
    let written = examples::body(id).filter(|text| serde_json::from_str::<Value>(text).is_ok());
    let body = body_content.map(|content| {
        if let Some(text) = written {
            return text.to_owned();
        }
        let value = schema::example_of(content)
            .cloned()
            .or_else(|| {
                content
                    .get("examples")
                    .and_then(Value::as_object)
                    .and_then(|all| all.values().next())
                    .and_then(|example| example.get("value"))
                    .cloned()
            })
            .unwrap_or_else(|| {
                content
                    .get("schema")
                    .map_or(Value::Null, |schema| spec.synthesize(schema))
            });
        serde_json::to_string_pretty(&value).unwrap_or_else(|_| value.to_string())
    });
    let line = examples::curl(&op.method.to_uppercase(), &url, key, body.as_deref());
    h.raw("<h4>Example</h4>\n<pre class=\"curl\"><code>")
        .text(&line)
        .raw("</code></pre>\n");
    if let Some(note) = examples::note(id, op.path) {
        h.raw("<p class=\"note\">").inline(note).raw("</p>\n");
    }
}

fn write_schemas(h: &mut Html, spec: Spec<'_>) {
    let Some(schemas) = spec
        .root
        .pointer("/components/schemas")
        .and_then(Value::as_object)
    else {
        return;
    };
    h.raw("<section id=\"schemas\">\n<h2>Schemas</h2>\n");
    for (name, schema) in schemas {
        h.raw("<div class=\"schema\" id=\"schema-")
            .text(name)
            .raw("\">\n<h3><code>");
        h.text(name).raw("</code></h3>\n");
        if let Some(description) = schema.get("description").and_then(Value::as_str) {
            h.prose(description);
        }
        h.raw("<p class=\"meta\">");
        write_type(h, spec, &schema::type_of(schema));
        h.raw("</p>\n");
        write_fields(h, spec, &spec.fields(schema, 0));
        h.raw("</div>\n");
    }
    h.raw("</section>\n");
}
