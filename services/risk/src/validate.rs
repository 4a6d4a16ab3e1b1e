//! Input checks shared by the risk service's modules: every bad input is a
//! BAD_USER_INPUT naming the field, and nothing is written.

use aims_shared::Error;

pub const NAME_MAX: usize = 200;
pub const TEXT_MAX: usize = 10_000;

/// A required text: trimmed, not empty, at most `max` characters.
pub fn required(field: &str, value: &str, max: usize) -> Result<String, Error> {
    let v = value.trim();
    if v.is_empty() {
        return Err(Error::bad_input(format!("{field} must not be empty")));
    }
    if v.chars().count() > max {
        return Err(Error::bad_input(format!("{field} is longer than {max} characters")));
    }
    Ok(v.to_owned())
}

/// An optional text: blank becomes none.
pub fn optional(field: &str, value: Option<&str>, max: usize) -> Result<Option<String>, Error> {
    match value.map(str::trim).filter(|v| !v.is_empty()) {
        None => Ok(None),
        Some(v) => required(field, v, max).map(Some),
    }
}

/// A rating on the 1..5 scale of likelihood, impact and severity.
pub fn rating(field: &str, value: i32) -> Result<i32, Error> {
    if (1..=5).contains(&value) {
        Ok(value)
    } else {
        Err(Error::bad_input(format!(
            "{field} must be between 1 and 5, got {value}"
        )))
    }
}
