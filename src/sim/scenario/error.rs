//! What is wrong with a scenario, field by field.

use std::fmt;

/// One problem found in a scenario, with the path of the offending field.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ScenarioError {
    /// Where the problem is, as a JSON path (`replicas[1].link.drop_probability`).
    pub path: String,
    /// What is wrong and what is allowed.
    pub message: String,
    /// The line of the JSON text, when read from text.
    pub line: Option<usize>,
    /// The column of the JSON text, when read from text.
    pub column: Option<usize>,
}

impl ScenarioError {
    /// An error at `path` with no position yet.
    pub fn new(path: &str, message: String) -> Self {
        ScenarioError {
            path: path.to_string(),
            message,
            line: None,
            column: None,
        }
    }
}

impl fmt::Display for ScenarioError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let at = self.path.as_str();
        let at = if at.is_empty() { "scenario" } else { at };
        write!(f, "{at}: {}", self.message)?;
        if let (Some(line), Some(column)) = (self.line, self.column) {
            write!(f, " (line {line}, column {column})")?;
        }
        Ok(())
    }
}

/// Every problem found in a scenario.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ScenarioErrors(pub Vec<ScenarioError>);

impl fmt::Display for ScenarioErrors {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let lines: Vec<String> = self.0.iter().map(ToString::to_string).collect();
        write!(f, "{}", lines.join("\n"))
    }
}

impl std::error::Error for ScenarioErrors {}
