//! A small description of the DOM a panel shows, built in plain Rust so
//! every layout decision is testable natively; `wasm::dom` turns it into
//! real nodes with `createElement` and text nodes, never HTML parsing.
//!
//! Tags and attribute names are `&'static str`: only this crate's code can
//! choose them, so data from the API can only ever become text or an
//! attribute value.

/// One node: an element or a text run.
#[derive(Debug, Clone, PartialEq)]
pub enum Node {
    Element(Element),
    Text(String),
}

#[derive(Debug, Clone, PartialEq)]
pub struct Element {
    pub tag: &'static str,
    /// Created in the SVG namespace (for the sparkline).
    pub svg: bool,
    pub attrs: Vec<(&'static str, String)>,
    pub children: Vec<Node>,
}

/// An HTML element.
pub fn el(tag: &'static str) -> Element {
    Element {
        tag,
        svg: false,
        attrs: Vec::new(),
        children: Vec::new(),
    }
}

/// An SVG element.
pub fn svg(tag: &'static str) -> Element {
    Element {
        svg: true,
        ..el(tag)
    }
}

pub fn text(value: impl Into<String>) -> Node {
    Node::Text(value.into())
}

impl Element {
    pub fn attr(mut self, name: &'static str, value: impl Into<String>) -> Element {
        self.attrs.push((name, value.into()));
        self
    }

    pub fn class(self, value: impl Into<String>) -> Element {
        self.attr("class", value)
    }

    pub fn child(mut self, node: impl Into<Node>) -> Element {
        self.children.push(node.into());
        self
    }

    pub fn children(mut self, nodes: impl IntoIterator<Item = Node>) -> Element {
        self.children.extend(nodes);
        self
    }

    /// A text child.
    pub fn text(self, value: impl Into<String>) -> Element {
        self.child(text(value))
    }

    pub fn get_attr(&self, name: &str) -> Option<&str> {
        self.attrs
            .iter()
            .find(|(n, _)| *n == name)
            .map(|(_, v)| v.as_str())
    }
}

impl From<Element> for Node {
    fn from(element: Element) -> Node {
        Node::Element(element)
    }
}

impl Node {
    /// All text below this node, as `textContent` would give it.
    pub fn text_content(&self) -> String {
        let mut out = String::new();
        self.collect_text(&mut out);
        out
    }

    fn collect_text(&self, out: &mut String) {
        match self {
            Node::Text(t) => out.push_str(t),
            Node::Element(e) => e.children.iter().for_each(|c| c.collect_text(out)),
        }
    }

    /// Every element below (and including) this node, depth first, for
    /// tests and for the DOM layer's sanity checks.
    pub fn elements(&self) -> Vec<&Element> {
        let mut out = Vec::new();
        self.collect_elements(&mut out);
        out
    }

    fn collect_elements<'a>(&'a self, out: &mut Vec<&'a Element>) {
        if let Node::Element(e) = self {
            out.push(e);
            e.children.iter().for_each(|c| c.collect_elements(out));
        }
    }

    /// Elements whose `class` attribute contains `class`.
    pub fn find_class(&self, class: &str) -> Vec<&Element> {
        self.elements()
            .into_iter()
            .filter(|e| {
                e.get_attr("class")
                    .is_some_and(|c| c.split_whitespace().any(|c| c == class))
            })
            .collect()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn text_content_joins_all_text() {
        let node: Node = el("p")
            .class("a b")
            .text("x ")
            .child(el("b").text("<img src=x>"))
            .into();
        assert_eq!(node.text_content(), "x <img src=x>");
        assert_eq!(node.find_class("b").len(), 1);
        assert_eq!(node.elements().len(), 2);
    }
}
