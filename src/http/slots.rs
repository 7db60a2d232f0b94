//! Places held per holder (a user, an address), at most so many each: taken when a long-lived
//! piece of work starts (an upload, a live stream) and given back when it is dropped, however
//! it ends.

use std::collections::HashMap;
use std::sync::{Arc, Mutex};

#[derive(Default)]
pub struct Slots {
    held: Arc<Mutex<HashMap<String, usize>>>,
}

/// One held place; dropping it gives it back.
pub struct Slot {
    holder: String,
    held: Arc<Mutex<HashMap<String, usize>>>,
}

impl Slots {
    /// A place for `holder`, unless it already holds `cap`.
    pub fn take(&self, holder: String, cap: usize) -> Option<Slot> {
        let mut held = self.held.lock().unwrap_or_else(|p| p.into_inner());
        let count = held.entry(holder.clone()).or_default();
        if *count >= cap {
            return None;
        }
        *count += 1;
        Some(Slot {
            holder,
            held: self.held.clone(),
        })
    }
}

impl Drop for Slot {
    fn drop(&mut self) {
        let mut held = self.held.lock().unwrap_or_else(|p| p.into_inner());
        if let Some(count) = held.get_mut(&self.holder) {
            *count = count.saturating_sub(1);
            if *count == 0 {
                held.remove(&self.holder);
            }
        }
    }
}
