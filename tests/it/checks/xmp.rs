//! XMP: a small XML parser and an XMP reader, the stand-in for exiftool reading a sidecar back.

/// An XML element: its qualified name, attributes (qualified names, values unescaped) and
/// children in order.
#[derive(Debug, Clone, PartialEq)]
pub struct XmlElement {
    pub name: String,
    pub attrs: Vec<(String, String)>,
    pub children: Vec<XmlNode>,
}

#[derive(Debug, Clone, PartialEq)]
pub enum XmlNode {
    Element(XmlElement),
    Text(String),
}

impl XmlElement {
    pub fn attr(&self, name: &str) -> Option<&str> {
        self.attrs
            .iter()
            .find(|(k, _)| k == name)
            .map(|(_, v)| v.as_str())
    }

    pub fn elements(&self) -> impl Iterator<Item = &XmlElement> {
        self.children.iter().filter_map(|c| match c {
            XmlNode::Element(e) => Some(e),
            XmlNode::Text(_) => None,
        })
    }

    /// The element's own text, whitespace between child elements left out.
    pub fn text(&self) -> String {
        self.children
            .iter()
            .filter_map(|c| match c {
                XmlNode::Text(t) => Some(t.as_str()),
                XmlNode::Element(_) => None,
            })
            .collect()
    }
}

/// Parses a whole XML document (the XML declaration, processing instructions, comments and
/// whitespace around the root allowed) and checks it is well-formed as far as a sidecar needs:
/// every tag closed by its own name, attributes quoted and not repeated, entity and character
/// references known and valid, no `<` or bare `&` in text, no character XML 1.0 forbids. Returns
/// the root element.
pub fn parse_xml(text: &str) -> Result<XmlElement, String> {
    let mut p = XmlParser { s: text, i: 0 };
    p.misc()?;
    if !p.s[p.i..].starts_with('<') {
        return Err(format!("offset {}: no root element", p.i));
    }
    let root = p.element()?;
    p.misc()?;
    if p.i != p.s.len() {
        return Err(format!("offset {}: content after the root element", p.i));
    }
    Ok(root)
}

struct XmlParser<'a> {
    s: &'a str,
    i: usize,
}

impl XmlParser<'_> {
    fn rest(&self) -> &str {
        &self.s[self.i..]
    }

    fn err<T>(&self, what: &str) -> Result<T, String> {
        Err(format!("offset {}: {what}", self.i))
    }

    fn skip_ws(&mut self) {
        let n = self.rest().len() - self.rest().trim_start().len();
        self.i += n;
    }

    /// Whitespace, `<?...?>` and `<!--...-->` outside the root.
    fn misc(&mut self) -> Result<(), String> {
        loop {
            self.skip_ws();
            if self.rest().starts_with("<?") {
                let Some(end) = self.rest().find("?>") else {
                    return self.err("an unterminated processing instruction");
                };
                self.i += end + 2;
            } else if self.rest().starts_with("<!--") {
                let Some(end) = self.rest().find("-->") else {
                    return self.err("an unterminated comment");
                };
                self.i += end + 3;
            } else {
                return Ok(());
            }
        }
    }

    fn name(&mut self) -> Result<String, String> {
        let n = self
            .rest()
            .find(|c: char| c.is_whitespace() || matches!(c, '>' | '/' | '=' | '<'))
            .unwrap_or(self.rest().len());
        if n == 0 {
            return self.err("a name expected");
        }
        let name = self.rest()[..n].to_string();
        if name.starts_with(|c: char| c.is_ascii_digit() || c == '-' || c == '.') {
            return self.err(&format!("{name:?} is not an XML name"));
        }
        self.i += n;
        Ok(name)
    }

    fn element(&mut self) -> Result<XmlElement, String> {
        self.i += 1; // '<'
        let name = self.name()?;
        let mut attrs: Vec<(String, String)> = Vec::new();
        loop {
            self.skip_ws();
            if self.rest().starts_with("/>") {
                self.i += 2;
                return Ok(XmlElement {
                    name,
                    attrs,
                    children: Vec::new(),
                });
            }
            if self.rest().starts_with('>') {
                self.i += 1;
                break;
            }
            let key = self.name()?;
            self.skip_ws();
            if !self.rest().starts_with('=') {
                return self.err(&format!("attribute {key} has no value"));
            }
            self.i += 1;
            self.skip_ws();
            let Some(quote) = self
                .rest()
                .chars()
                .next()
                .filter(|c| matches!(c, '"' | '\''))
            else {
                return self.err(&format!("attribute {key} is not quoted"));
            };
            self.i += 1;
            let Some(end) = self.rest().find(quote) else {
                return self.err(&format!("attribute {key} is not closed"));
            };
            let raw = &self.rest()[..end];
            if raw.contains('<') {
                return self.err(&format!("attribute {key} holds a '<'"));
            }
            let value = unescape_xml(raw).map_err(|e| format!("offset {}: {e}", self.i))?;
            self.i += end + 1;
            if attrs.iter().any(|(k, _)| *k == key) {
                return self.err(&format!("attribute {key} appears twice"));
            }
            attrs.push((key, value));
        }
        let mut children = Vec::new();
        loop {
            let rest = self.rest();
            if rest.is_empty() {
                return self.err(&format!("<{name}> is never closed"));
            }
            if let Some(after) = rest.strip_prefix("</") {
                let n = after.find('>').unwrap_or(after.len());
                let closing = after[..n].trim_end();
                if closing != name {
                    return self.err(&format!("<{name}> closed by </{closing}>"));
                }
                self.i += 2 + n + 1;
                return Ok(XmlElement {
                    name,
                    attrs,
                    children,
                });
            }
            if rest.starts_with("<!--") {
                let Some(end) = rest.find("-->") else {
                    return self.err("an unterminated comment");
                };
                self.i += end + 3;
            } else if rest.starts_with("<?") {
                let Some(end) = rest.find("?>") else {
                    return self.err("an unterminated processing instruction");
                };
                self.i += end + 2;
            } else if rest.starts_with("<![CDATA[") {
                let Some(end) = rest.find("]]>") else {
                    return self.err("an unterminated CDATA section");
                };
                children.push(XmlNode::Text(rest[9..end].to_string()));
                self.i += end + 3;
            } else if rest.starts_with('<') {
                children.push(XmlNode::Element(self.element()?));
            } else {
                let n = rest.find('<').unwrap_or(rest.len());
                let raw = &rest[..n];
                if raw.contains("]]>") {
                    return self.err("]]> in text");
                }
                let text = unescape_xml(raw).map_err(|e| format!("offset {}: {e}", self.i))?;
                children.push(XmlNode::Text(text));
                self.i += n;
            }
        }
    }
}

/// Character data with its references resolved; `Err` for a bare `&`, an unknown entity, or a
/// character XML 1.0 does not allow (raw or referenced).
pub fn unescape_xml(raw: &str) -> Result<String, String> {
    let allowed = |c: char| {
        matches!(c, '\t' | '\n' | '\r')
            || ((c as u32) >= 0x20 && c != '\u{fffe}' && c != '\u{ffff}')
    };
    let mut out = String::with_capacity(raw.len());
    let mut rest = raw;
    while let Some(amp) = rest.find('&') {
        out.push_str(&rest[..amp]);
        let after = &rest[amp + 1..];
        let Some(semi) = after.find(';') else {
            return Err(format!("a bare & in {raw:?}"));
        };
        let entity = &after[..semi];
        let c = match entity {
            "amp" => '&',
            "lt" => '<',
            "gt" => '>',
            "quot" => '"',
            "apos" => '\'',
            _ => {
                let code = if let Some(hex) = entity.strip_prefix("#x") {
                    u32::from_str_radix(hex, 16).ok()
                } else if let Some(dec) = entity.strip_prefix('#') {
                    dec.parse().ok()
                } else {
                    None
                };
                code.and_then(char::from_u32)
                    .filter(|c| allowed(*c))
                    .ok_or_else(|| {
                        format!("an unknown or invalid reference &{entity}; in {raw:?}")
                    })?
            }
        };
        out.push(c);
        rest = &after[semi + 1..];
    }
    out.push_str(rest);
    if let Some(bad) = raw.chars().find(|c| !allowed(*c)) {
        return Err(format!(
            "character U+{:04X} is not allowed in XML",
            bad as u32
        ));
    }
    Ok(out)
}

/// What a sidecar says, read the way exiftool reports it (`exiftool -j -G1 -struct`): a JSON
/// object keyed `XMP-<group>:<Name>` (`XMP-dc:Subject`, `XMP-iptcExt:LocationShown`), a
/// language alternative as its x-default text, a Bag or Seq as an array, a structure as an
/// object keyed by field name. Checks the XMP packet around it: the `xpacket` wrapper,
/// `x:xmpmeta`, `rdf:RDF`, and `rdf:Description` elements with `rdf:about`, each property's
/// namespace declared. Names are as exiftool spells the ones Kadr writes; others keep their
/// local name with its first letter upper-cased.
pub fn read_xmp(bytes: &[u8]) -> Result<serde_json::Value, String> {
    let text = std::str::from_utf8(bytes).map_err(|e| format!("not UTF-8: {e}"))?;
    if !text.starts_with("<?xpacket begin=\"\u{feff}\"") {
        return Err("does not start with <?xpacket begin=\"\\u{feff}\"".into());
    }
    if !text.trim_end().ends_with("<?xpacket end=\"w\"?>") {
        return Err("does not end with <?xpacket end=\"w\"?>".into());
    }
    let root = parse_xml(text)?;
    if root.name != "x:xmpmeta" || root.attr("xmlns:x") != Some("adobe:ns:meta/") {
        return Err(format!("the root is <{}>, not x:xmpmeta", root.name));
    }
    let rdf = root
        .elements()
        .find(|e| e.name == "rdf:RDF")
        .ok_or("no rdf:RDF")?;
    if rdf.attr("xmlns:rdf") != Some("http://www.w3.org/1999/02/22-rdf-syntax-ns#") {
        return Err("rdf:RDF does not declare the RDF namespace".into());
    }
    let groups = [
        ("http://purl.org/dc/elements/1.1/", "dc"),
        ("http://ns.adobe.com/photoshop/1.0/", "photoshop"),
        ("http://iptc.org/std/Iptc4xmpCore/1.0/xmlns/", "iptcCore"),
        ("http://iptc.org/std/Iptc4xmpExt/2008-02-29/", "iptcExt"),
        ("http://ns.adobe.com/exif/1.0/", "exif"),
    ];
    let mut out = serde_json::Map::new();
    for desc in rdf.elements() {
        if desc.name != "rdf:Description" || desc.attr("rdf:about").is_none() {
            return Err(format!(
                "<{}> where rdf:Description was expected",
                desc.name
            ));
        }
        for prop in desc.elements() {
            let (prefix, local) = prop
                .name
                .split_once(':')
                .ok_or_else(|| format!("{} has no namespace prefix", prop.name))?;
            let ns = desc
                .attr(&format!("xmlns:{prefix}"))
                .ok_or_else(|| format!("the namespace of {} is not declared", prop.name))?;
            let group = groups
                .iter()
                .find(|(uri, _)| *uri == ns)
                .map(|(_, g)| g.to_string())
                .unwrap_or_else(|| prefix.to_string());
            out.insert(
                format!("XMP-{group}:{}", exiftool_name(local)),
                rdf_value(prop)?,
            );
        }
    }
    Ok(serde_json::Value::Object(out))
}

fn exiftool_name(local: &str) -> String {
    match local {
        "SHA256" => "Sha256".into(),
        _ => {
            let mut c = local.chars();
            c.next()
                .map(|f| f.to_uppercase().chain(c).collect())
                .unwrap_or_default()
        }
    }
}

/// One RDF property's value: text, a language alternative, a Bag/Seq, or a structure.
fn rdf_value(prop: &XmlElement) -> Result<serde_json::Value, String> {
    use serde_json::Value;
    let inner: Vec<&XmlElement> = prop.elements().collect();
    if prop.attr("rdf:parseType") == Some("Resource") {
        let mut fields = serde_json::Map::new();
        for f in inner {
            let local = f.name.split_once(':').map(|(_, l)| l).unwrap_or(&f.name);
            fields.insert(exiftool_name(local), rdf_value(f)?);
        }
        return Ok(Value::Object(fields));
    }
    match inner.as_slice() {
        [] => Ok(Value::String(prop.text())),
        [container] => {
            let items: Vec<&XmlElement> = container.elements().collect();
            if items.iter().any(|i| i.name != "rdf:li") {
                return Err(format!(
                    "{} holds something other than rdf:li",
                    container.name
                ));
            }
            match container.name.as_str() {
                "rdf:Alt" => items
                    .iter()
                    .find(|i| i.attr("xml:lang") == Some("x-default"))
                    .map(|i| Value::String(i.text()))
                    .ok_or_else(|| format!("{} has no x-default", prop.name)),
                "rdf:Bag" | "rdf:Seq" => Ok(Value::Array(
                    items
                        .iter()
                        .map(|i| rdf_value(i))
                        .collect::<Result<_, _>>()?,
                )),
                other => Err(format!("{}: unexpected <{other}>", prop.name)),
            }
        }
        _ => Err(format!("{} holds more than one element", prop.name)),
    }
}
