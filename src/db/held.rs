//! Commits held back to the end of a request, so that what the request answers can be written
//! in the same transaction as the effect it describes.
//!
//! The idempotency layer (API.md §0) runs a keyed POST inside a [`Hold`]: the handler's
//! [`super::commit`] hands its transaction over instead of committing, the layer adds the
//! stored answer to it and commits both at once. A crash then leaves the write and its answer,
//! or neither, so a retry either replays the answer or runs afresh; never "still running".
//!
//! A scope holds at most one transaction: a second write begun inside it first commits the
//! held one (so the one SQLite writer is never waited for by its own holder).

use std::future::Future;
use std::sync::{Arc, Mutex, MutexGuard, PoisonError};

use super::Tx;

tokio::task_local! {
    static HELD: Hold;
}

/// Where the commits of a scope wait.
#[derive(Clone, Default)]
pub struct Hold(Arc<Mutex<Option<Tx>>>);

impl Hold {
    /// Runs `future` with every commit in it held here instead of done.
    pub async fn scope<F: Future>(&self, future: F) -> F::Output {
        HELD.scope(self.clone(), future).await
    }

    /// The transaction a commit in the scope handed over, if any: the caller commits it.
    pub fn take(&self) -> Option<Tx> {
        self.slot().take()
    }

    fn slot(&self) -> MutexGuard<'_, Option<Tx>> {
        // a panic while the slot was locked cannot leave it half-written: take the value
        self.0.lock().unwrap_or_else(PoisonError::into_inner)
    }
}

/// Hands `tx` to the enclosing scope's hold; gives it back when there is no scope or the
/// hold is taken.
pub(super) fn hold(tx: Tx) -> Option<Tx> {
    let Ok(hold) = HELD.try_with(Hold::clone) else {
        return Some(tx);
    };
    let mut slot = hold.slot();
    if slot.is_some() {
        return Some(tx);
    }
    *slot = Some(tx);
    None
}

/// The transaction held in the enclosing scope, taken out (to be committed before another
/// write begins).
pub(super) fn release() -> Option<Tx> {
    HELD.try_with(Hold::clone).ok()?.take()
}
