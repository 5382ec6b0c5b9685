//! The one data table: a caption, column headings, and rows, inside a box
//! that scrolls sideways on a phone instead of widening the page, or whose
//! rows become cards there.

use std::hash::{Hash, Hasher};

use leptos::prelude::*;

use super::zoned;
use crate::i18n::{Msg, t};

stylance::import_crate_style!(style, "src/components/table.module.css");

/// A column's heading.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Col {
    /// Named in words.
    Text(Msg),
    /// A column of times: the heading names the zone they are shown in.
    Time(Msg),
    /// A column of buttons: the name is for screen readers only.
    Hidden(Msg),
}

/// A column's heading; `role` is said where a phone's CSS would make it forgotten.
fn heading(col: Col, role: Option<&'static str>) -> AnyView {
    match col {
        Col::Text(m) => view! { <th scope="col" role=role>{t(m)}</th> }.into_any(),
        Col::Time(m) => view! { <th scope="col" role=role>{move || zoned(t(m)())}</th> }.into_any(),
        Col::Hidden(m) => view! { <th scope="col" role=role><span class="sr-only">{t(m)}</span></th> }.into_any(),
    }
}

/// A cell's heading again, shown inside the cell where a [`DataTable`]'s
/// rows are cards (a phone), where the table's own headings are not;
/// screen readers hear the real ones.
pub fn cell_label(text: impl Fn() -> String + Send + Sync + 'static) -> impl IntoView {
    view! { <span class=style::label aria-hidden="true">{text}</span> }
}

/// A table of `title`. The scrolling box takes focus, so keyboard users can
/// scroll it too, and is a named group (not a landmark: the section around
/// it already is one, under the same name). The caption is for screen
/// readers; `uncaptioned` leaves it out where a heading beside the table
/// already says it.
///
/// With `cards`, each row is a card on a phone: its cells stack, each under
/// its [`cell_label`], instead of the table scrolling sideways. The rows
/// then say their roles (`row`, `rowheader`, `cell`), as the table does,
/// since the CSS that stacks them makes some browsers forget them.
#[component]
pub fn DataTable(
    title: Msg,
    columns: &'static [Col],
    /// Rows: `<tr>`s, usually a [`Keyed`](super::Keyed) list.
    children: Children,
    #[prop(optional)] testid: Option<&'static str>,
    #[prop(optional)] uncaptioned: bool,
    #[prop(optional)] cards: bool,
) -> impl IntoView {
    let role = |r: &'static str| cards.then_some(r);
    let class = if cards { format!("table {}", style::cards) } else { "table".to_string() };
    view! {
        <div class="table-scroll" role="group" aria-label=t(title) tabindex="0">
            <table class=class role=role("table") data-testid=testid>
                {(!uncaptioned).then(|| view! { <caption class="sr-only">{t(title)}</caption> })}
                <thead class=cards.then_some("sr-only-phone") role=role("rowgroup")>
                    <tr role=role("row")>{columns.iter().map(|c| heading(*c, role("columnheader"))).collect_view()}</tr>
                </thead>
                <tbody role=role("rowgroup")>{children()}</tbody>
            </table>
        </div>
    }
}

/// A row's key in a [`Keyed`](super::Keyed) list of fetched data: found by
/// its id, and equal only while the whole item is. A refresh then redraws
/// just the rows whose data changed (with a bare id, a changed row would keep
/// showing its old data) and leaves the others, with their open menus and
/// focus, alone.
pub struct RowKey<I, T>(pub I, pub T);

impl<I: PartialEq, T: PartialEq> PartialEq for RowKey<I, T> {
    fn eq(&self, other: &Self) -> bool {
        self.0 == other.0 && self.1 == other.1
    }
}

/// The items keyed here hold no floating-point fields, so equality is total.
impl<I: Eq, T: PartialEq> Eq for RowKey<I, T> {}

/// Hashed by the id alone: equal keys have equal ids.
impl<I: Hash, T> Hash for RowKey<I, T> {
    fn hash<H: Hasher>(&self, state: &mut H) {
        self.0.hash(state);
    }
}

#[cfg(test)]
mod tests {
    use std::collections::hash_map::RandomState;
    use std::hash::BuildHasher;

    use super::RowKey;

    #[test]
    fn a_row_keeps_its_key_only_while_its_data_is_the_same() {
        let (before, same, changed) = (RowKey(7, (7, "active")), RowKey(7, (7, "active")), RowKey(7, (7, "disabled")));
        assert!(before == same);
        assert!(before != changed, "a changed row is drawn again");
        assert!(before != RowKey(8, (7, "active")));
        // Equal keys hash alike, as a keyed list needs.
        let state = RandomState::new();
        assert_eq!(state.hash_one(&before), state.hash_one(&same));
    }
}
