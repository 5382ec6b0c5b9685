//! Container image references (R-DEP-2): Docker's grammar, checked where a
//! user types an image and where localcloud receives one.

use super::RuleError;

/// Longest image reference Docker accepts (its name limit).
pub const IMAGE_REFERENCE_MAX: usize = 255;

/// `DeployInfo.ImageUrl`: Docker's reference grammar,
/// `[host[:port]/]path[:tag][@algorithm:hex]`, where each path component is
/// lower-case letters and digits joined by `.`, `_`, `__` or dashes, a tag is
/// at most 128 of `[A-Za-z0-9_.-]` not starting with `.` or `-`, and a digest's
/// hex is at least 32 digits.
pub fn image_reference(reference: &str) -> Result<(), RuleError> {
    if reference.is_empty() {
        return Err(RuleError::Empty);
    }
    if reference.chars().count() > IMAGE_REFERENCE_MAX {
        return Err(RuleError::TooLong(IMAGE_REFERENCE_MAX));
    }
    let bad = || RuleError::NotAnImageReference;
    let (named, digest) = match reference.split_once('@') {
        Some((n, d)) => (n, Some(d)),
        None => (reference, None),
    };
    if let Some(d) = digest {
        let (algorithm, hex) = d.split_once(':').ok_or_else(bad)?;
        let algorithm_ok =
            !algorithm.is_empty() && algorithm.chars().all(|c| c.is_ascii_alphanumeric() || "+._-".contains(c));
        if !algorithm_ok || hex.len() < 32 || !hex.chars().all(|c| c.is_ascii_hexdigit()) {
            return Err(bad());
        }
    }
    // A tag follows the last `:` that comes after the last `/` (a port's `:` comes before it).
    let slash = named.rfind('/').map_or(0, |i| i + 1);
    let (name, tag) = match named[slash..].rfind(':') {
        Some(i) => (&named[..slash + i], Some(&named[slash + i + 1..])),
        None => (named, None),
    };
    if let Some(tag) = tag {
        let first_ok = tag.chars().next().is_some_and(|c| c.is_ascii_alphanumeric() || c == '_');
        if !first_ok || tag.len() > 128 || !tag.chars().all(|c| c.is_ascii_alphanumeric() || "_.-".contains(c)) {
            return Err(bad());
        }
    }
    let mut parts: Vec<&str> = name.split('/').collect();
    // The first part is a registry host when it looks like one.
    if parts.len() > 1 && (parts[0].contains(['.', ':']) || parts[0] == "localhost") {
        let host = parts.remove(0);
        let (host, port) = host.split_once(':').map_or((host, None), |(h, p)| (h, Some(p)));
        let host_ok = !host.is_empty()
            && host.split('.').all(|label| {
                !label.is_empty()
                    && label.chars().all(|c| c.is_ascii_alphanumeric() || c == '-')
                    && !label.starts_with('-')
                    && !label.ends_with('-')
            });
        let port_ok = port.is_none_or(|p| !p.is_empty() && p.len() <= 5 && p.chars().all(|c| c.is_ascii_digit()));
        if !host_ok || !port_ok {
            return Err(bad());
        }
    }
    if parts.is_empty() || !parts.iter().all(|p| path_component(p)) {
        return Err(bad());
    }
    Ok(())
}

/// `[a-z0-9]+` joined by `.`, `_`, `__` or one or more `-`.
fn path_component(part: &str) -> bool {
    let alnum = |c: char| c.is_ascii_lowercase() || c.is_ascii_digit();
    let bytes: Vec<char> = part.chars().collect();
    if bytes.is_empty() || !alnum(bytes[0]) || !alnum(bytes[bytes.len() - 1]) {
        return false;
    }
    let mut i = 0;
    while i < bytes.len() {
        if alnum(bytes[i]) {
            i += 1;
            continue;
        }
        let start = i;
        while i < bytes.len() && !alnum(bytes[i]) {
            i += 1;
        }
        let sep: String = bytes[start..i].iter().collect();
        if !(sep == "." || sep == "_" || sep == "__" || sep.chars().all(|c| c == '-')) {
            return false;
        }
    }
    true
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn image_references_follow_dockers_grammar() {
        for ok in [
            "nginx",
            "nginx:1.27",
            "library/nginx:latest",
            "localcloud/fail-health",
            "ccr.ccs.tencentyun.com/team/app:v1.2_3",
            "localhost:5000/app",
            "registry.example.com:443/a/b/c",
            "team/my-app__x.y",
            "nginx@sha256:0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef",
            "nginx:1.27@sha256:0123456789abcdef0123456789abcdef",
        ] {
            assert_eq!(image_reference(ok), Ok(()), "{ok}");
        }
        for bad in [
            "Nginx",
            "nginx:",
            "nginx:-x",
            "nginx 1.27",
            "nginx;rm -rf /",
            "/nginx",
            "nginx/",
            "a//b",
            "nginx@sha256:xyz",
            "nginx@md5",
            "-nginx",
            "host:99999999/app",
            "app\u{202E}",
        ] {
            assert_eq!(image_reference(bad), Err(RuleError::NotAnImageReference), "{bad:?}");
        }
        assert_eq!(image_reference(""), Err(RuleError::Empty));
        assert_eq!(image_reference(&"a".repeat(300)), Err(RuleError::TooLong(IMAGE_REFERENCE_MAX)));
    }
}
