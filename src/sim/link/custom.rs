//! A scenario of one's own in a link (`custom=`): its JSON, deflated and written in
//! base64url, so that it fits a link; a larger one is offered as a file instead.

use base64::Engine as _;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;

use crate::sim::Scenario;
use crate::sim::scenario_json;

/// The longest `custom=` value a link carries; a scenario that packs into more is shared as
/// a file (the page says so).
pub const MAX_CUSTOM_CHARS: usize = 12_000;

/// `scenario` packed for a link: compact JSON, deflated, in base64url without padding.
pub fn pack(scenario: &Scenario) -> String {
    // Serialising plain data with derived impls cannot fail.
    let json = serde_json::to_vec(scenario).unwrap_or_default();
    URL_SAFE_NO_PAD.encode(miniz_oxide::deflate::compress_to_vec(&json, 9))
}

/// The scenario a `custom=` value holds, or what is wrong with it, in words.
pub fn unpack(text: &str) -> Result<Scenario, String> {
    if text.len() > MAX_CUSTOM_CHARS {
        return Err(format!(
            "it is {} characters long; at most {MAX_CUSTOM_CHARS} are read",
            text.len()
        ));
    }
    let packed = URL_SAFE_NO_PAD
        .decode(text)
        .map_err(|e| format!("it is not base64url text ({e})"))?;
    let json =
        miniz_oxide::inflate::decompress_to_vec_with_limit(&packed, scenario_json::MAX_BYTES)
            .map_err(|e| format!("it is not a deflated scenario ({:?})", e.status))?;
    let json = String::from_utf8(json).map_err(|_| "its scenario is not UTF-8 text".to_string())?;
    scenario_json::read(&json).map_err(|e| {
        format!(
            "its scenario is not valid: {}",
            e.to_string().replace('\n', "; ")
        )
    })
}
