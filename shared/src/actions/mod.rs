//! Cloud actions: one type per action, request and response models with the
//! field names exactly as Tencent publishes them (CLOUD-API.md §1–2).

use serde::de::DeserializeOwned;
use serde::{Deserialize, Serialize};

/// The products the console speaks to, with their API versions.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Product {
    Tcbr,
    Tcb,
    Ssl,
}

impl Product {
    pub const ALL: [Product; 3] = [Product::Tcbr, Product::Tcb, Product::Ssl];

    /// The service name in the credential scope and the URL path.
    pub fn name(self) -> &'static str {
        match self {
            Product::Tcbr => "tcbr",
            Product::Tcb => "tcb",
            Product::Ssl => "ssl",
        }
    }

    pub fn version(self) -> &'static str {
        match self {
            Product::Tcbr => "2022-02-17",
            Product::Tcb => "2018-06-08",
            Product::Ssl => "2019-12-05",
        }
    }

    pub fn parse(s: &str) -> Option<Product> {
        Product::ALL.into_iter().find(|p| p.name() == s)
    }
}

/// One cloud action: where it lives and what it carries.
pub trait Action {
    const PRODUCT: Product;
    const NAME: &'static str;
    type Request: Serialize + DeserializeOwned;
    type Response: Serialize + DeserializeOwned;
}

macro_rules! action {
    ($name:ident, $product:expr, $req:ty, $resp:ty) => {
        #[doc = concat!("The `", stringify!($name), "` action.")]
        pub struct $name;
        impl Action for $name {
            const PRODUCT: Product = $product;
            const NAME: &'static str = stringify!($name);
            type Request = $req;
            type Response = $resp;
        }
    };
}

/// A response with nothing but its `RequestId` (added by the envelope).
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct Empty {}

mod envs;
mod packages;
mod services;

pub use envs::*;
pub use packages::*;
pub use services::*;

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn field_names_are_pascal_case_as_published() {
        let req =
            CreateCloudRunEnvRequest { package_type: "Trial".into(), alias: Some("prod".into()), ..Default::default() };
        assert_eq!(serde_json::to_string(&req).unwrap(), r#"{"PackageType":"Trial","Alias":"prod"}"#);
        let v = serde_json::to_value(DestroyEnvRequest { env_id: "e".into(), ..Default::default() }).unwrap();
        assert_eq!(v, serde_json::json!({"EnvId": "e"}));
    }

    #[test]
    fn products_carry_their_versions() {
        assert_eq!(<DestroyEnv as Action>::PRODUCT.version(), "2018-06-08");
        assert_eq!(<CreateCloudRunEnv as Action>::PRODUCT.version(), "2022-02-17");
        assert_eq!(Product::parse("ssl"), Some(Product::Ssl));
    }
}
