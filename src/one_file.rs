//! A view as one HTML file: the built page (`dist/`), its code and its wasm inside, and the
//! view's link query, so that it opens with no network and from a `file://` address, the
//! way people attach a report to a bug or a course page. The page's download ("This view as
//! one HTML file") and the runner (`--format html`) both build it here, from the same files.
//!
//! The page's loader (the `<script type="module">` Trunk writes, see `Trunk.toml`) is
//! replaced by one that serves the wasm from the file (a `fetch` that answers for their
//! names), imports the app's JS from a `blob:` address, and puts the view's query into the
//! address before anything reads it.

use std::collections::BTreeMap;

use base64::Engine as _;
use base64::engine::general_purpose::STANDARD;

/// The files of the page a one-file view needs, besides `index.html`: the app's JS and
/// wasm, named in its loader.
pub fn page_files(index_html: &str) -> Result<(String, String), String> {
    let loader = loader(index_html)?;
    let quoted = |start: &str, end: &str| {
        loader.split(start).nth(1).and_then(|rest| {
            let name = rest.split('\'').next()?;
            name.ends_with(end).then(|| name.to_string())
        })
    };
    let wasm = quoted("fetch('./", ".wasm").ok_or("the page's loader fetches no wasm")?;
    let js = quoted("import('./", ".js").ok_or("the page's loader imports no JS")?;
    Ok((js, wasm))
}

/// The wasm files the app's JS loads later (the panels'), by name: not wasm-bindgen's
/// default address of the app's own wasm (`…_bg.wasm`), which the loader passes instead.
pub fn later_files(app_js: &str) -> Vec<String> {
    addresses(app_js)
        .into_iter()
        .map(|(_, name)| name)
        .filter(|name| name.ends_with(".wasm") && !name.ends_with("_bg.wasm"))
        .collect()
}

/// The page's loader script: the module script that fetches the app's wasm.
fn loader(index_html: &str) -> Result<&str, String> {
    index_html
        .split("<script type=module>")
        .chain(index_html.split("<script type=\"module\">"))
        .skip(1)
        .filter_map(|rest| rest.split("</script>").next())
        .find(|script| script.contains("compileStreaming(fetch('./"))
        .ok_or_else(|| "the page has no loader script (is it SyncScope's dist/index.html?)".into())
}

/// Every `new URL("NAME", import.meta.url)` in `js`, with the name it holds (`./` taken
/// off).
fn addresses(js: &str) -> Vec<(String, String)> {
    const OPEN: &str = "new URL(\"";
    const BASE: &str = "import.meta.url";
    let mut found = Vec::new();
    for (start, _) in js.match_indices(OPEN) {
        let after = start + OPEN.len();
        let Some(quote) = js[after..].find('"') else {
            continue;
        };
        let name = &js[after..after + quote];
        let rest = &js[after + quote + 1..];
        let rest = rest.trim_start_matches([',', ' ']);
        let Some(rest) = rest.strip_prefix(BASE) else {
            continue;
        };
        let Some(rest) = rest.trim_start().strip_prefix(')') else {
            continue;
        };
        let end = js.len() - rest.len();
        found.push((
            js[start..end].to_string(),
            name.trim_start_matches("./").to_string(),
        ));
    }
    found
}

/// `text` safe inside a `<script>` element (no `</script` can end it early).
fn in_script(text: &str) -> String {
    text.replace("</", "<\\/")
}

/// The one-file page: `index_html` with its loader replaced, `files` (each name the page
/// asks for: the app's JS and every wasm) inside, opening the view of link `query` (with its
/// `?`, or empty for the first view).
pub fn one_file(
    index_html: &str,
    files: &BTreeMap<String, Vec<u8>>,
    query: &str,
) -> Result<String, String> {
    let (js_name, wasm_name) = page_files(index_html)?;
    let js = files
        .get(&js_name)
        .ok_or_else(|| format!("{js_name} is missing"))?;
    let mut js = String::from_utf8(js.clone()).map_err(|_| format!("{js_name} is not text"))?;
    let later = later_files(&js);
    // Addresses relative to the module's own would resolve against a blob: address: the
    // names are looked up in the file instead.
    for (whole, name) in addresses(&js) {
        js = js.replace(&whole, &format!("{name:?}"));
    }
    let mut wasm = BTreeMap::new();
    for name in std::iter::once(wasm_name.clone()).chain(later) {
        let bytes = files
            .get(&name)
            .ok_or_else(|| format!("{name} is missing"))?;
        wasm.insert(name, STANDARD.encode(bytes));
    }
    // The view's query goes into the address before the page's own scripts read it.
    let setup = format!(
        "<script>try {{ history.replaceState(null, '', location.pathname + {}); }} catch {{}}</script>",
        in_script(&serde_json::to_string(query).map_err(|e| e.to_string())?),
    );
    // The files, last in the page: the loader is a module script, which runs once the page
    // is read, so they are there by then.
    let data = format!(
        r#"<script>
// SyncScope in one file: the app and the view are inside; nothing is fetched.
(() => {{
  const files = {files};
  const bytes = (name) => Uint8Array.from(atob(files[name]), (c) => c.charCodeAt(0));
  const fetchFromNetwork = window.fetch.bind(window);
  window.fetch = (input, init) => {{
    const name = String(input instanceof Request ? input.url : input).split('/').pop();
    return name in files
      ? Promise.resolve(new Response(bytes(name), {{ headers: {{ 'content-type': 'application/wasm' }} }}))
      : fetchFromNetwork(input, init);
  }};
  window.syncscopeWasm = () => WebAssembly.compile(bytes({main}));
}})();
</script>"#,
        files = in_script(&serde_json::to_string(&wasm).map_err(|e| e.to_string())?),
        main = serde_json::to_string(&wasm_name).map_err(|e| e.to_string())?,
    );
    let start = format!(
        r#"<script type=module>
const app = URL.createObjectURL(new Blob([{js}], {{ type: 'text/javascript' }}));
import(app).then(async ({{ default: init }}) => init({{ module_or_path: await window.syncscopeWasm() }}));
</script>"#,
        js = in_script(&serde_json::to_string(&js).map_err(|e| e.to_string())?),
    );
    let loader = loader(index_html)?;
    let page = index_html
        .replacen(&format!("<script type=module>{loader}</script>"), &start, 1)
        .replacen(
            &format!("<script type=\"module\">{loader}</script>"),
            &start,
            1,
        );
    let first_script = page.find("<script").ok_or("the page has no script")?;
    let (before, after) = page.split_at(first_script);
    let page = format!("{before}{setup}{after}");
    Ok(match page.rfind("</body>") {
        Some(end) => format!("{}{data}{}", &page[..end], &page[end..]),
        None => format!("{page}{data}"),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    const INDEX: &str = "<!DOCTYPE html><html><head><title>t</title><script>first()</script><script type=module>const start = () => { const wasm = WebAssembly.compileStreaming(fetch('./app-1_bg.wasm')); import('./app-1.js').then(x => x); };</script></head><body></body></html>";
    const JS: &str = "let a = new URL(\"app_bg.wasm\", import.meta.url); let b = new URL(\"./split_panels-9.wasm\",import.meta.url); // </script>";

    fn files() -> BTreeMap<String, Vec<u8>> {
        BTreeMap::from([
            ("app-1.js".to_string(), JS.as_bytes().to_vec()),
            ("app-1_bg.wasm".to_string(), vec![0, 97, 115, 109]),
            ("split_panels-9.wasm".to_string(), vec![1, 2, 3]),
        ])
    }

    #[test]
    fn the_loader_names_the_apps_files_and_the_js_names_the_later_wasm() {
        assert_eq!(
            page_files(INDEX).unwrap(),
            ("app-1.js".to_string(), "app-1_bg.wasm".to_string())
        );
        assert_eq!(later_files(JS), ["split_panels-9.wasm"]);
    }

    #[test]
    fn the_one_file_page_holds_every_file_and_the_query_and_fetches_nothing() {
        let page = one_file(INDEX, &files(), "?v=1&scenario=saga&step=3").unwrap();
        assert!(
            !page.contains("fetch('./app-1_bg.wasm')"),
            "the old loader is gone"
        );
        assert!(
            !page.contains("import.meta.url"),
            "no address relative to the module"
        );
        assert!(
            page.contains(&STANDARD.encode([1, 2, 3])),
            "the panels' wasm is inside"
        );
        assert!(page.contains(&STANDARD.encode([0, 97, 115, 109])));
        assert!(page.contains(r#""?v=1&scenario=saga&step=3""#));
        // The JS's own "</script>" cannot end the script that holds it.
        assert_eq!(page.matches("</script>").count(), 4);
        // The query is in the address before the page's first script runs.
        assert!(page.find("history.replaceState").unwrap() < page.find("first()").unwrap());
        assert!(page.find("const files").unwrap() > page.find("</head>").unwrap());
    }

    #[test]
    fn a_page_that_is_not_syncscopes_or_a_missing_file_is_an_error() {
        assert!(one_file("<html><head></head></html>", &files(), "").is_err());
        let mut missing = files();
        missing.remove("split_panels-9.wasm");
        let error = one_file(INDEX, &missing, "").unwrap_err();
        assert!(error.contains("split_panels-9.wasm is missing"), "{error}");
    }
}
