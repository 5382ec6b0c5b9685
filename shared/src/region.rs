//! R-ENV-3: the regions an environment can live in.

use serde::{Deserialize, Serialize};

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub enum Region {
    #[serde(rename = "ap-beijing")]
    Beijing,
    #[serde(rename = "ap-shanghai")]
    Shanghai,
    #[serde(rename = "ap-guangzhou")]
    Guangzhou,
}

impl Region {
    pub const ALL: [Region; 3] = [Region::Beijing, Region::Shanghai, Region::Guangzhou];
    /// The CLI's default region (`-r sh`).
    pub const DEFAULT: Region = Region::Shanghai;

    /// The API's region id, sent as `X-TC-Region`.
    pub fn id(self) -> &'static str {
        match self {
            Region::Beijing => "ap-beijing",
            Region::Shanghai => "ap-shanghai",
            Region::Guangzhou => "ap-guangzhou",
        }
    }

    /// The CLI's short name (`-r bj | sh | gz`).
    pub fn cli_short(self) -> &'static str {
        match self {
            Region::Beijing => "bj",
            Region::Shanghai => "sh",
            Region::Guangzhou => "gz",
        }
    }

    /// Accepts the API id or the CLI's short name.
    pub fn parse(s: &str) -> Option<Region> {
        Region::ALL.into_iter().find(|r| r.id() == s || r.cli_short() == s)
    }
}

impl std::fmt::Display for Region {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.id())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn r_env_3_regions_parse_by_id_and_short_name() {
        assert_eq!(Region::parse("ap-guangzhou"), Some(Region::Guangzhou));
        assert_eq!(Region::parse("bj"), Some(Region::Beijing));
        assert_eq!(Region::parse("ap-hongkong"), None);
        assert_eq!(Region::DEFAULT.cli_short(), "sh");
    }
}
