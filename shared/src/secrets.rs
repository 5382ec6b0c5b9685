//! Which variables are secret, and how their values are hidden: one rule
//! for the SPA (masked fields), the BFF (masked answers) and localcloud
//! (masked build logs).

/// What a secret value reads as wherever it is not explicitly revealed.
pub const SECRET_MASK: &str = "••••••";

/// `EnvParams` (a JSON object as a string) with every secret-looking value
/// replaced by [`SECRET_MASK`]. Text that is not such an object cannot be
/// judged name by name, so all of it is masked (an empty text stays empty).
pub fn mask_env_params(env_params: &str) -> String {
    if env_params.trim().is_empty() {
        return env_params.to_string();
    }
    let Ok(mut vars) = serde_json::from_str::<serde_json::Map<String, serde_json::Value>>(env_params) else {
        return SECRET_MASK.to_string();
    };
    for (name, value) in vars.iter_mut() {
        if looks_secret(name) {
            *value = serde_json::Value::String(SECRET_MASK.into());
        }
    }
    serde_json::Value::Object(vars).to_string()
}

/// Masks the secret values in any cloud answer, in place: every
/// `EnvParams`/`EnvParam` string wherever it sits (the real cloud may add
/// fields), and the `Value` of every `{"Key": "EnvParam", …}` item.
pub fn mask_secrets(answer: &mut serde_json::Value) {
    use serde_json::Value;
    match answer {
        Value::Object(map) => {
            let is_env_item = map.get("Key").and_then(Value::as_str) == Some("EnvParam");
            for (key, value) in map.iter_mut() {
                let holds_vars = key == "EnvParams" || key == "EnvParam" || (is_env_item && key == "Value");
                match value {
                    Value::String(text) if holds_vars => *text = mask_env_params(text),
                    other => mask_secrets(other),
                }
            }
        }
        Value::Array(items) => items.iter_mut().for_each(mask_secrets),
        _ => {}
    }
}

/// A log line with the value of every secret-looking name masked, in the
/// forms programs print them: `NAME=value`, `NAME: value`, `"NAME":"value"`
/// (quoted or not, as in JSON, query strings, `env` dumps and headers). The
/// workload masks its own output with it and the console masks what it
/// shows, so a value printed by a service's own code is hidden too.
pub fn mask_log_line(line: &str) -> String {
    let bytes = line.as_bytes();
    let mut out = String::with_capacity(line.len());
    let mut copied = 0;
    let mut i = 0;
    let is_name = |b: u8| b.is_ascii_alphanumeric() || b == b'_' || b == b'-' || b == b'.';
    while i < bytes.len() {
        if !is_name(bytes[i]) || (i > 0 && is_name(bytes[i - 1])) {
            i += 1;
            continue;
        }
        let start = i;
        while i < bytes.len() && is_name(bytes[i]) {
            i += 1;
        }
        let name = &line[start..i];
        // An optional closing quote of a quoted name, then `=` or `:`, then spaces.
        let mut j = i;
        if j < bytes.len() && (bytes[j] == b'"' || bytes[j] == b'\'') {
            j += 1;
        }
        if j >= bytes.len() || !(bytes[j] == b'=' || bytes[j] == b':') || !looks_secret(name) {
            continue;
        }
        // `Name: value` (a header) runs to the end of the line: `Bearer abc`.
        let header = bytes[j] == b':';
        j += 1;
        while j < bytes.len() && bytes[j] == b' ' {
            j += 1;
        }
        // The value: a quoted string, or a run up to a separator. A `"`
        // ends a bare value, as it ends the JSON string the value sits in;
        // an apostrophe does not (it ends no JSON string, and `it's` is one value).
        let (from, to) = match bytes.get(j) {
            Some(&q @ (b'"' | b'\'')) => {
                let end = line[j + 1..].find(q as char).map_or(bytes.len(), |k| j + 1 + k);
                (j + 1, end)
            }
            _ => {
                let end = line[j..]
                    .find(|c: char| {
                        (c.is_whitespace() && !header) || matches!(c, ',' | ';' | '&' | '}' | ']' | ')' | '"')
                    })
                    .map_or(bytes.len(), |k| j + k);
                (j, end)
            }
        };
        if to > from {
            out.push_str(&line[copied..from]);
            out.push_str(SECRET_MASK);
            copied = to;
        }
        i = to.max(i);
    }
    out.push_str(&line[copied..]);
    out
}

/// Names that look like secrets: their values are masked in the form and
/// never echoed by the built-in workload. Broad on purpose: masking a plain
/// value costs a click to reveal it, echoing a secret cannot be undone.
/// Connection strings (`DATABASE_URL`, `*_DSN`) carry their password inside.
pub fn looks_secret(name: &str) -> bool {
    let n = name.to_ascii_uppercase();
    [
        "SECRET",
        "PASS",
        "PWD",
        "TOKEN",
        "KEY",
        "CREDENTIAL",
        "PRIVATE",
        "AUTH",
        "DSN",
        "DATABASE_URL",
        "CONNECTION_STRING",
    ]
    .iter()
    .any(|w| n.contains(w))
}

/// A log record's `Content` (SearchClsLog) with secret values masked, or `None` when there
/// are none (the text is then kept as the cloud wrote it). The record is a
/// JSON string whose `log` is the line: every string in it is masked as a
/// log line, and a secret-looking field's value entirely; text that is not
/// JSON is masked as one line.
pub fn mask_log_record(content: &str) -> Option<String> {
    match serde_json::from_str::<serde_json::Value>(content) {
        Ok(mut record) => mask_values(&mut record).then(|| record.to_string()),
        Err(_) => Some(mask_log_line(content)).filter(|masked| masked != content),
    }
}

/// Masks `value` in place; whether anything changed.
fn mask_values(value: &mut serde_json::Value) -> bool {
    use serde_json::Value;
    match value {
        Value::String(text) => {
            let masked = mask_log_line(text);
            let changed = masked != *text;
            *text = masked;
            changed
        }
        Value::Array(items) => items.iter_mut().fold(false, |changed, item| mask_values(item) | changed),
        Value::Object(fields) => fields.iter_mut().fold(false, |changed, (name, field)| {
            let secret = looks_secret(name)
                && match field {
                    Value::String(text) => !text.is_empty() && text != SECRET_MASK,
                    Value::Number(_) | Value::Bool(_) => true,
                    Value::Null | Value::Array(_) | Value::Object(_) => false,
                };
            if secret {
                *field = Value::String(SECRET_MASK.into());
                true
            } else {
                mask_values(field) | changed
            }
        }),
        Value::Null | Value::Bool(_) | Value::Number(_) => false,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_record_is_masked_inside_its_line_and_by_its_fields() {
        let record = r#"{"log":"{\"level\":\"warn\",\"msg\":\"retry with DB_PASSWORD=hunter2\"}","service":"shop","api_key":"t0k","level":"warn"}"#;
        let masked = mask_log_record(record).expect("something to mask");
        assert!(!masked.contains("hunter2") && !masked.contains("t0k"), "{masked}");
        let back: serde_json::Value = serde_json::from_str(&masked).unwrap();
        assert_eq!(back["service"], "shop");
        assert_eq!(back["api_key"], SECRET_MASK);
        assert!(back["log"].as_str().unwrap().contains(&format!("DB_PASSWORD={SECRET_MASK}")), "{back}");
        // Nothing secret: the text stays byte for byte.
        assert_eq!(mask_log_record(r#"{"log":"GET / 200","service":"shop"}"#), None);
        assert_eq!(mask_log_record("plain TOKEN=abc"), Some(format!("plain TOKEN={SECRET_MASK}")));
        assert_eq!(mask_log_record("plain text"), None);
    }

    #[test]
    fn secret_looking_names() {
        assert!(looks_secret("DB_PASSWORD") && looks_secret("api_key") && !looks_secret("REGION"));
        for secret in ["DATABASE_URL", "SENTRY_DSN", "pg_dsn", "SMTP_PASS", "MYSQL_PWD", "AUTH", "BASIC_AUTH_USER"] {
            assert!(looks_secret(secret), "{secret}");
        }
        for plain in ["PORT", "NODE_ENV", "LOG_LEVEL", "API_URL", "TZ"] {
            assert!(!looks_secret(plain), "{plain}");
        }
        assert_eq!(
            mask_env_params(r#"{"DB_PASSWORD":"hunter2","REGION":"sh"}"#),
            format!(r#"{{"DB_PASSWORD":"{SECRET_MASK}","REGION":"sh"}}"#)
        );
        assert_eq!(mask_env_params("DB_PASSWORD=hunter2"), SECRET_MASK, "fails closed");
        assert_eq!(mask_env_params(""), "");
    }

    #[test]
    fn secret_values_in_log_lines_are_masked() {
        let m = SECRET_MASK;
        for (line, want) in [
            ("DB_PASSWORD=hunter2 REGION=sh", format!("DB_PASSWORD={m} REGION=sh")),
            (r#"{"api_key":"t0k","user":"ann"}"#, format!(r#"{{"api_key":"{m}","user":"ann"}}"#)),
            ("Authorization: Bearer abc", format!("Authorization: {m}")),
            ("GET /login?token=xyz&page=2 200", format!("GET /login?token={m}&page=2 200")),
            ("token='a b' done", format!("token='{m}' done")),
            ("no secrets here: PORT=80", "no secrets here: PORT=80".into()),
            ("PASSWORD=", "PASSWORD=".into()),
            ("PASSWORD=it'sa-secret done", format!("PASSWORD={m} done")),
            // Inside a JSON string the value ends at its closing quote.
            (r#"{"msg":"API_TOKEN=x y","n":1}"#, format!(r#"{{"msg":"API_TOKEN={m} y","n":1}}"#)),
            (r#"{"h":"Authorization: Bearer abc"}"#, format!(r#"{{"h":"Authorization: {m}"}}"#)),
            ("中文 SECRET=值 后", format!("中文 SECRET={m} 后")),
        ] {
            assert_eq!(mask_log_line(line), want, "{line}");
        }
    }

    #[test]
    fn every_place_variables_travel_is_masked() {
        let mut answer = serde_json::json!({
            "ServerConfig": {"EnvParams": "{\"DB_PASSWORD\":\"hunter2\",\"A\":\"b\"}"},
            "Records": [{"Items": [{"Key": "EnvParam", "Value": "{\"API_TOKEN\":\"t0k\"}"}]}],
            "Other": {"EnvParams": "DB_PASSWORD=hunter2"}
        });
        mask_secrets(&mut answer);
        let text = answer.to_string();
        assert!(!text.contains("hunter2") && !text.contains("t0k"), "{text}");
        assert!(text.contains(r#"\"A\":\"b\""#), "other values stay: {text}");
    }
}
