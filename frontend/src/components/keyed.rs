//! Keyed lists. Leptos's `<For>` compiles its keyed diffing again for every
//! item type and closure it is used with, which made nine lists the largest
//! part of the wasm a refactor added. `<Keyed>` takes the same props as
//! `<For>` (`each`, `key`, and the row as `let:`) and hands one shared `<For>`
//! rows whose types are erased: the same diffing, compiled once.

use std::any::Any;
use std::hash::{DefaultHasher, Hash, Hasher};
use std::sync::Arc;

use leptos::prelude::*;

/// A key of any type, compared as itself and hashed once.
trait DynKey: Send + Sync {
    fn as_any(&self) -> &dyn Any;
    fn same(&self, other: &dyn DynKey) -> bool;
}

impl<K: Eq + Send + Sync + 'static> DynKey for K {
    fn as_any(&self) -> &dyn Any {
        self
    }

    fn same(&self, other: &dyn DynKey) -> bool {
        other.as_any().downcast_ref::<K>() == Some(self)
    }
}

#[derive(Clone)]
struct AnyKey {
    hash: u64,
    key: Arc<dyn DynKey>,
}

impl PartialEq for AnyKey {
    fn eq(&self, other: &Self) -> bool {
        self.hash == other.hash && self.key.same(&*other.key)
    }
}

impl Eq for AnyKey {}

impl Hash for AnyKey {
    fn hash<H: Hasher>(&self, state: &mut H) {
        state.write_u64(self.hash);
    }
}

/// One row: its key, and how to draw it.
struct Row {
    key: AnyKey,
    draw: Box<dyn FnOnce() -> AnyView + Send>,
}

/// The one `<For>` every list shares.
fn rows(each: Box<dyn Fn() -> Vec<Row> + Send + Sync>) -> AnyView {
    view! { <For each=move || each() key=|row: &Row| row.key.clone() children=|row: Row| (row.draw)() /> }.into_any()
}

/// A keyed list: a row is drawn when its key first appears and kept, DOM
/// and state, while the key stays; see [`super::RowKey`] for keys that
/// follow an item's data.
#[component]
pub fn Keyed<T, I, IF, K, KF, V, F>(
    /// The items, read reactively.
    each: IF,
    /// What identifies an item's row.
    key: KF,
    /// Draws an item's row.
    children: F,
) -> impl IntoView
where
    IF: Fn() -> I + Send + Sync + 'static,
    I: IntoIterator<Item = T>,
    T: Send + 'static,
    K: Eq + Hash + Send + Sync + 'static,
    KF: Fn(&T) -> K + Send + Sync + 'static,
    F: Fn(T) -> V + Send + Sync + 'static,
    V: IntoView + 'static,
{
    let children = Arc::new(children);
    rows(Box::new(move || {
        each()
            .into_iter()
            .map(|item| {
                let key = key(&item);
                let mut hasher = DefaultHasher::new();
                key.hash(&mut hasher);
                let children = Arc::clone(&children);
                Row {
                    key: AnyKey { hash: hasher.finish(), key: Arc::new(key) },
                    draw: Box::new(move || children(item).into_any()),
                }
            })
            .collect()
    }))
}

#[cfg(test)]
mod tests {
    use std::sync::Arc;

    use super::AnyKey;

    fn key<K: Eq + Send + Sync + 'static>(hash: u64, key: K) -> AnyKey {
        AnyKey { hash, key: Arc::new(key) }
    }

    #[test]
    fn erased_keys_compare_as_themselves() {
        assert!(key(1, 7_i64) == key(1, 7_i64));
        assert!(key(1, 7_i64) != key(1, 8_i64), "same hash, other key");
        assert!(key(1, 7_i64) != key(1, 7_u32), "same value, other type");
        assert!(key(1, "a".to_string()) != key(2, "a".to_string()), "the hash is part of it");
    }
}
