//! The one way the pages are written: an HTML buffer that takes markup only as `&'static str`
//! literals of this crate, and everything else (texts of the OpenAPI description, names,
//! numbers) through [`Html::text`], which escapes it. A string read from the description can
//! therefore never become markup.

use std::fmt::Write as _;

/// An HTML document being written.
#[derive(Debug, Default)]
pub struct Html(String);

impl Html {
    pub fn new() -> Html {
        Html(String::with_capacity(64 * 1024))
    }

    /// Markup written by this crate.
    pub fn raw(&mut self, markup: &'static str) -> &mut Html {
        self.0.push_str(markup);
        self
    }

    /// Text (or an attribute value between double quotes), escaped.
    pub fn text(&mut self, text: &str) -> &mut Html {
        escape_into(text, &mut self.0);
        self
    }

    /// A number, which needs no escaping.
    pub fn number(&mut self, n: impl std::fmt::Display) -> &mut Html {
        let _ = write!(self.0, "{n}");
        self
    }

    /// Prose of the description: paragraphs split on blank lines, `` `code` `` spans set as
    /// code; everything escaped.
    pub fn prose(&mut self, text: &str) -> &mut Html {
        for paragraph in text.split("\n\n").map(str::trim).filter(|p| !p.is_empty()) {
            self.raw("<p>");
            self.inline(paragraph);
            self.raw("</p>\n");
        }
        self
    }

    /// One line of prose without the paragraph: `` `code` `` spans set as code.
    pub fn inline(&mut self, text: &str) -> &mut Html {
        let mut parts = text.split('`');
        let mut in_code = false;
        let mut pending = parts.next();
        while let Some(part) = pending {
            pending = parts.next();
            if in_code {
                // an unclosed backtick stays a backtick
                if pending.is_none() {
                    self.text("`").text(part);
                } else {
                    self.raw("<code>").text(part).raw("</code>");
                }
            } else {
                self.text(part);
            }
            in_code = !in_code;
        }
        self
    }

    pub fn into_string(self) -> String {
        self.0
    }
}

/// Escapes `&`, `<`, `>`, `"` and `'`: safe in text and in quoted attribute values.
pub fn escape_into(text: &str, out: &mut String) {
    for c in text.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#39;"),
            c => out.push(c),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn text_is_escaped_in_content_and_attributes() {
        let mut h = Html::new();
        h.raw("<a title=\"")
            .text("\"><script>x</script>&'")
            .raw("\">");
        assert_eq!(
            h.into_string(),
            "<a title=\"&quot;&gt;&lt;script&gt;x&lt;/script&gt;&amp;&#39;\">"
        );
    }

    #[test]
    fn prose_sets_code_spans_and_paragraphs() {
        let mut h = Html::new();
        h.prose("a `<b>` c\n\nsecond `open");
        assert_eq!(
            h.into_string(),
            "<p>a <code>&lt;b&gt;</code> c</p>\n<p>second `open</p>\n"
        );
    }
}
