//! Reading a scenario from JSON text with errors a person can act on: each names the JSON
//! path, the line and column, what was found and what is allowed, and every error that can
//! be found is reported, not only the first.

use std::collections::BTreeMap;

use serde::de::DeserializeOwned;
use serde_json::Value;

use super::resolver::Strategy;
use super::scenario::{
    Clock, Lifecycle, RecordSpec, ReplicaSpec, Saga, Scenario, ScenarioError, ScenarioErrors,
    ScriptStep,
};

/// Largest scenario file accepted, in bytes.
pub const MAX_BYTES: usize = 16 * 1024 * 1024;

const REQUIRED: [&str; 5] = ["name", "title", "source", "replicas", "records"];
const KNOWN: [&str; 14] = [
    "name",
    "title",
    "description",
    "seed",
    "strategy",
    "idempotency",
    "source",
    "replicas",
    "records",
    "script",
    "clocks",
    "lifecycles",
    "sagas",
    "$schema",
];

/// Reads and validates a scenario.
pub fn read(text: &str) -> Result<Scenario, ScenarioErrors> {
    if text.len() > MAX_BYTES {
        return Err(ScenarioErrors(vec![ScenarioError::new(
            "",
            format!(
                "the scenario is {} bytes; the limit is {MAX_BYTES} bytes",
                text.len()
            ),
        )]));
    }
    let value: Value = serde_json::from_str(text).map_err(|e| {
        let mut error = ScenarioError::new(
            "",
            format!("not valid JSON: {}", strip_position(&e.to_string())),
        );
        (error.line, error.column) = (Some(e.line()), Some(e.column()));
        ScenarioErrors(vec![error])
    })?;
    let mut errors = element_errors(&value);
    if errors.is_empty() {
        match serde_path_to_error::deserialize::<_, Scenario>(&value) {
            Ok(scenario) => match scenario.validate() {
                Ok(()) => return Ok(scenario),
                Err(found) => errors = found.0,
            },
            Err(e) => errors.push(ScenarioError::new(
                &e.path().to_string(),
                friendly(&e.inner().to_string()),
            )),
        }
    }
    let positions = locate(text);
    for error in &mut errors {
        if let Some((line, column)) = position_of(&positions, &error.path) {
            (error.line, error.column) = (Some(line), Some(column));
        }
    }
    Err(ScenarioErrors(errors))
}

/// Checks each part of the scenario on its own, so that one bad replica does not hide a bad
/// script step.
fn element_errors(value: &Value) -> Vec<ScenarioError> {
    let Value::Object(map) = value else {
        return vec![ScenarioError::new(
            "",
            format!("expected a JSON object, found {}", kind(value)),
        )];
    };
    let mut errors = Vec::new();
    for key in map.keys().filter(|k| !KNOWN.contains(&k.as_str())) {
        errors.push(ScenarioError::new(
            key,
            format!("unknown field; expected one of {}", KNOWN[..13].join(", ")),
        ));
    }
    for key in REQUIRED.iter().filter(|k| !map.contains_key(**k)) {
        errors.push(ScenarioError::new(
            key,
            "missing; this field is required".into(),
        ));
    }
    for (key, item) in map {
        let key = key.as_str();
        match key {
            "name" | "title" | "description" | "source" => check::<String>(item, key, &mut errors),
            "seed" => check::<u64>(item, key, &mut errors),
            "strategy" => check::<Strategy>(item, key, &mut errors),
            "idempotency" => check::<bool>(item, key, &mut errors),
            "replicas" => each::<ReplicaSpec>(item, key, &mut errors),
            "records" => each::<RecordSpec>(item, key, &mut errors),
            "script" => each::<ScriptStep>(item, key, &mut errors),
            "sagas" => each::<Saga>(item, key, &mut errors),
            "clocks" => entries::<Clock>(item, key, &mut errors),
            "lifecycles" => entries::<Lifecycle>(item, key, &mut errors),
            _ => {}
        }
    }
    errors
}

fn check<T: DeserializeOwned>(value: &Value, path: &str, errors: &mut Vec<ScenarioError>) {
    if let Err(e) = serde_path_to_error::deserialize::<_, T>(value) {
        let inner = e.path().to_string();
        let full = match inner.as_str() {
            "." | "" => path.to_string(),
            rest if rest.starts_with('[') => format!("{path}{rest}"),
            rest => format!("{path}.{rest}"),
        };
        errors.push(ScenarioError::new(&full, friendly(&e.inner().to_string())));
    }
}

fn each<T: DeserializeOwned>(value: &Value, path: &str, errors: &mut Vec<ScenarioError>) {
    match value {
        Value::Array(items) => {
            for (i, item) in items.iter().enumerate() {
                check::<T>(item, &format!("{path}[{i}]"), errors);
            }
        }
        other => errors.push(ScenarioError::new(
            path,
            format!("expected a list, found {}", kind(other)),
        )),
    }
}

fn entries<T: DeserializeOwned>(value: &Value, path: &str, errors: &mut Vec<ScenarioError>) {
    match value {
        Value::Object(map) => {
            for (key, item) in map {
                check::<T>(item, &format!("{path}.{key}"), errors);
            }
        }
        other => errors.push(ScenarioError::new(
            path,
            format!("expected an object, found {}", kind(other)),
        )),
    }
}

fn kind(value: &Value) -> String {
    match value {
        Value::Null => "null".into(),
        Value::Bool(b) => b.to_string(),
        Value::Number(n) => n.to_string(),
        Value::String(s) => format!("the string \"{s}\""),
        Value::Array(_) => "a list".into(),
        Value::Object(_) => "an object".into(),
    }
}

/// serde's messages, reworded as "expected …, found …".
fn friendly(message: &str) -> String {
    let message = strip_position(message);
    let Some(rest) = message
        .strip_prefix("invalid type: ")
        .or_else(|| message.strip_prefix("invalid value: "))
    else {
        return message.replace(", expected", "; expected");
    };
    let Some((found, expected)) = rest.split_once(", expected ") else {
        return message;
    };
    let found = found
        .trim_start_matches("integer ")
        .trim_start_matches("floating point ")
        .trim_start_matches("string ")
        .trim_matches('`');
    let expected = match expected {
        "u64" | "u32" | "u16" | "usize" => "a whole number, 0 or more",
        "i64" | "i32" => "a whole number",
        "f64" | "f32" => "a number",
        other => other,
    };
    format!("expected {expected}, found {found}")
}

fn strip_position(message: &str) -> String {
    match message.rfind(" at line ") {
        Some(i) => message[..i].to_string(),
        None => message.to_string(),
    }
}

/// The line and column of `path`, or of the nearest enclosing value that has one: a
/// missing field points at the object that lacks it, and the whole text's first value
/// stands for any path not found, so that every error has a position.
fn position_of(positions: &BTreeMap<String, (usize, usize)>, path: &str) -> Option<(usize, usize)> {
    let mut path = path.to_string();
    loop {
        if let Some(p) = positions.get(&path) {
            return Some(*p);
        }
        match path.rfind(['.', '[']) {
            Some(cut) => path.truncate(cut),
            None if !path.is_empty() => path.clear(),
            None => return None,
        }
    }
}

/// The line and column (from 1) where each value of a JSON text starts, by JSON path
/// (`replicas[1].link.delay`). Tolerates broken text: it records what it can.
pub fn locate(text: &str) -> BTreeMap<String, (usize, usize)> {
    let mut out = BTreeMap::new();
    let mut stack: Vec<Frame> = Vec::new();
    let mut cursor = Cursor {
        bytes: text.as_bytes(),
        i: 0,
        line: 1,
        column: 1,
    };
    while let Some(byte) = cursor.peek() {
        match byte {
            b' ' | b'\t' | b'\r' | b'\n' | b':' => cursor.advance(),
            b',' => {
                if let Some(f) = stack.last_mut() {
                    if f.array {
                        f.index += 1;
                    } else {
                        f.key = None;
                    }
                }
                cursor.advance();
            }
            b'{' | b'[' => {
                let path = value_path(&stack).unwrap_or_default();
                out.insert(path.clone(), cursor.at());
                stack.push(Frame {
                    path,
                    array: byte == b'[',
                    index: 0,
                    key: None,
                });
                cursor.advance();
            }
            b'}' | b']' => {
                stack.pop();
                cursor.advance();
            }
            b'"' => {
                let start = cursor.at();
                let content = cursor.string();
                match stack.last_mut() {
                    Some(f) if !f.array && f.key.is_none() => f.key = Some(content),
                    _ => {
                        if let Some(path) = value_path(&stack) {
                            out.insert(path, start);
                        }
                    }
                }
            }
            _ => {
                if let Some(path) = value_path(&stack) {
                    out.insert(path, cursor.at());
                }
                cursor.skip_scalar();
            }
        }
    }
    out
}

/// An object or array `locate` is inside.
struct Frame {
    /// Its own path.
    path: String,
    /// Whether it is an array.
    array: bool,
    /// In an array, the position of the current item.
    index: usize,
    /// In an object, the key of the current value, once read.
    key: Option<String>,
}

/// The path of the value that starts next, inside `stack`; `None` while an object's key
/// is still to come.
fn value_path(stack: &[Frame]) -> Option<String> {
    match stack.last() {
        None => Some(String::new()),
        Some(f) if f.array => Some(format!("{}[{}]", f.path, f.index)),
        Some(f) => f.key.as_ref().map(|k| {
            if f.path.is_empty() {
                k.clone()
            } else {
                format!("{}.{k}", f.path)
            }
        }),
    }
}

/// A position in JSON text, with its line and column (in characters, from 1).
struct Cursor<'a> {
    bytes: &'a [u8],
    i: usize,
    line: usize,
    column: usize,
}

impl Cursor<'_> {
    fn peek(&self) -> Option<u8> {
        self.bytes.get(self.i).copied()
    }

    fn at(&self) -> (usize, usize) {
        (self.line, self.column)
    }

    /// One byte on; a UTF-8 continuation byte does not count as a column.
    fn advance(&mut self) {
        if self.bytes[self.i] == b'\n' {
            self.line += 1;
            self.column = 1;
        } else if self.bytes[self.i] & 0xC0 != 0x80 {
            self.column += 1;
        }
        self.i += 1;
    }

    /// Reads the string that starts here (at its quote), decoded as serde decodes it
    /// (keys are compared with serde's names: "ti\tle" holds a tab).
    fn string(&mut self) -> String {
        self.advance();
        let from = self.i;
        while self.i < self.bytes.len() && self.bytes[self.i] != b'"' {
            if self.bytes[self.i] == b'\\' && self.i + 1 < self.bytes.len() {
                self.advance();
            }
            self.advance();
        }
        let raw = String::from_utf8_lossy(&self.bytes[from..self.i]).into_owned();
        if self.i < self.bytes.len() {
            self.advance();
        }
        if raw.contains('\\') {
            serde_json::from_str::<String>(&format!("\"{raw}\"")).unwrap_or(raw)
        } else {
            raw
        }
    }

    /// Skips a number, `true`, `false`, `null` or a stray word.
    fn skip_scalar(&mut self) {
        while self.i < self.bytes.len() && !b",]} \t\r\n".contains(&self.bytes[self.i]) {
            self.advance();
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn locate_finds_nested_values() {
        let text = "{\n  \"a\": [1, {\"b\": \"x\"}],\n  \"c\": {\"d\": -5}\n}";
        let p = locate(text);
        assert_eq!(p["a"], (2, 8));
        assert_eq!(p["a[0]"], (2, 9));
        assert_eq!(p["a[1].b"], (2, 18));
        assert_eq!(p["c.d"], (3, 14));
    }

    #[test]
    fn serde_messages_become_expected_found() {
        assert_eq!(
            friendly("invalid value: integer `-5`, expected u64"),
            "expected a whole number, 0 or more, found -5"
        );
        assert_eq!(
            friendly("invalid type: string \"x\", expected f64 at line 3 column 4"),
            "expected a number, found \"x\""
        );
    }
}
