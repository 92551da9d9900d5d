//! Turns a [`Node`] description into real DOM nodes. Text becomes text
//! nodes and attribute values go through `setAttribute`: nothing from the
//! API is ever parsed as HTML.

use wasm_bindgen::JsValue;
use web_sys::{Document, Element};

use crate::panel::view::Node;

const SVG_NS: &str = "http://www.w3.org/2000/svg";

/// A detached DOM node for `node`.
pub fn build(document: &Document, node: &Node) -> Result<web_sys::Node, JsValue> {
    match node {
        Node::Text(text) => Ok(document.create_text_node(text).into()),
        Node::Element(e) => {
            let element: Element = if e.svg {
                document.create_element_ns(Some(SVG_NS), e.tag)?
            } else {
                document.create_element(e.tag)?
            };
            for (name, value) in &e.attrs {
                element.set_attribute(name, value)?;
            }
            for child in &e.children {
                element.append_child(&build(document, child)?)?;
            }
            Ok(element.into())
        }
    }
}

/// Replaces the children of `parent` with `node`, in one step so no frame
/// shows the parent empty.
pub fn replace(document: &Document, parent: &Element, node: &Node) -> Result<(), JsValue> {
    let built = build(document, node)?;
    parent.replace_children_with_node_1(&built);
    Ok(())
}

/// Sets an element's text (never HTML) if it changed; returns whether it
/// did, so live regions are only touched when there is news.
pub fn set_text(element: &Element, text: &str) -> bool {
    if element.text_content().as_deref() == Some(text) {
        return false;
    }
    element.set_text_content(Some(text));
    true
}

/// The first child of `parent` with `class`, created (as `tag`, with
/// `attrs`, in `parent`'s own document) and appended when the page does
/// not have it yet.
pub fn child(
    parent: &Element,
    tag: &str,
    class: &str,
    attrs: &[(&str, &str)],
) -> Result<Element, JsValue> {
    if let Some(found) = parent.query_selector(&format!(":scope > .{class}"))? {
        return Ok(found);
    }
    let document = parent
        .owner_document()
        .ok_or("element outside a document")?;
    let element = document.create_element(tag)?;
    element.set_attribute("class", class)?;
    for (name, value) in attrs {
        element.set_attribute(name, value)?;
    }
    parent.append_child(&element)?;
    Ok(element)
}
