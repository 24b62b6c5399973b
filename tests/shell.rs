//! `index.html` shows the first built-in scenario's settings and description as plain HTML
//! until the app has loaded (so that the page paints at once). That copy must say what the
//! app then shows: the same scenarios in the same order, the first one's strategy, seed,
//! idempotency and description.

use syncscope::sim::library;

fn index() -> String {
    std::fs::read_to_string(concat!(env!("CARGO_MANIFEST_DIR"), "/index.html"))
        .expect("index.html is readable")
}

/// The text of the first element with `id`, from its opening tag's end to `</tag>`.
fn text_of(html: &str, open: &str, close: &str) -> String {
    let start = html
        .find(open)
        .unwrap_or_else(|| panic!("index.html has no {open}"));
    let rest = &html[start..];
    let body = &rest[rest.find('>').expect("the tag ends") + 1..];
    body[..body.find(close).expect("the element ends")].to_string()
}

#[test]
fn the_shell_lists_every_built_in_scenario_in_order_with_the_first_selected() {
    let html = index();
    let select = text_of(&html, "<select>", "</select>");
    let options: Vec<&str> = select.split("<option").skip(1).collect();
    let scenarios = library::all();
    let loads = syncscope::sim::load::EXPLORER_LOADS;
    assert_eq!(
        options.len(),
        scenarios.len() + loads.len(),
        "every built-in and the generated loads"
    );
    for (i, (option, scenario)) in options.iter().zip(&scenarios).enumerate() {
        let selected = if i == 0 { " selected" } else { "" };
        assert_eq!(
            *option,
            format!(
                " value=\"{}\"{selected}>{}</option>",
                scenario.name, scenario.title
            ),
            "option {i}"
        );
    }
    for (option, load) in options[scenarios.len()..].iter().zip(loads) {
        assert_eq!(
            *option,
            format!(" value=\"{}\">{}</option>", load.name, load.title())
        );
    }
}

#[test]
fn the_shell_shows_the_first_scenarios_settings_and_description() {
    let html = index();
    let first = &library::all()[0];
    assert_eq!(
        text_of(&html, "id=\"scenario-description\"", "</p>"),
        first.description
    );
    let strategy = format!(
        "<option value=\"{}\" selected>{}</option>",
        first.strategy.as_str(),
        first.strategy.label()
    );
    assert!(html.contains(&strategy), "strategy {strategy}");
    assert!(html.contains(&format!("<input type=\"text\" value=\"{}\" />", first.seed)));
    let checkbox = if first.idempotency {
        "<input type=\"checkbox\" checked />"
    } else {
        "<input type=\"checkbox\" />"
    };
    assert!(html.contains(checkbox), "idempotency {}", first.idempotency);
}
