//! A unit of work on one case. Opening a case ([`Haven::gate`] to read, [`Haven::gate_write`] to
//! change) runs the need-to-know rule and gives a [`CaseTx`]: the transaction, the capability
//! the rule granted (`CaseReader` or `CaseWriter` from `haven-authz`) and the actor. Store
//! functions that change a case's own records take the `CaseWriter`, which only the gate gives,
//! so a change without the right does not compile; and [`CaseTx::commit`] is the only way to
//! commit a change, recording its audit event in the same transaction.
use haven_audit::{Action, Actor, Event};
use haven_authz::{CaseReader, CaseWriter};
use haven_domain::CaseId;
use haven_store::{Conn, Tx};

use crate::{CoreError, Haven, Result};

/// What a unit of work holds the case by: a reader or a writer.
pub(crate) trait CaseCap: Copy {
    fn case_id(&self) -> CaseId;
}

impl CaseCap for CaseReader<'_> {
    fn case_id(&self) -> CaseId {
        self.case()
    }
}

impl CaseCap for CaseWriter<'_> {
    fn case_id(&self) -> CaseId {
        self.case()
    }
}

/// One case opened for reading or changing. Dereferences to the connection, for the reads and
/// the writes of other tables the use-case makes in the same transaction.
pub(crate) struct CaseTx<C: CaseCap> {
    tx: Tx,
    cap: C,
    actor: Actor,
}

impl<C: CaseCap> CaseTx<C> {
    pub(crate) fn new(tx: Tx, cap: C, actor: Actor) -> Self {
        CaseTx { tx, cap, actor }
    }

    /// The capability the gate granted.
    pub(crate) fn cap(&self) -> C {
        self.cap
    }

    pub(crate) fn case(&self) -> CaseId {
        self.cap.case_id()
    }

    /// Records `ev` (about this case unless it names another target) and commits, in one
    /// transaction: no change without its audit event.
    pub(crate) async fn commit(mut self, h: &Haven, ev: Event, at: i64) -> Result<()> {
        let ev = if ev.target_kind.is_some() {
            ev
        } else {
            ev.target("case", self.case())
        };
        haven_audit::record(&mut self.tx, h.audit_keys(), &self.actor, ev, at).await?;
        self.tx.commit().await?;
        Ok(())
    }

    /// The bare transaction, for a use-case on another record (a screening, a tip) that opens
    /// a case only to join it, and records its own event before committing.
    pub(crate) fn into_tx(self) -> Tx {
        self.tx
    }

    /// Ends the unit without changing anything.
    pub(crate) async fn rollback(self) -> Result<()> {
        self.tx.rollback().await?;
        Ok(())
    }

    /// Refuses what the capability does not allow on this case: nothing is changed, the refusal
    /// is audited (in its own transaction) and answers "forbidden".
    pub(crate) async fn refuse<T>(self, h: &Haven, outcome: &'static str) -> Result<T> {
        let case = self.case();
        let actor = self.actor.clone();
        self.tx.rollback().await?;
        let ev = Event::new(Action::CaseAccessDenied)
            .outcome(outcome)
            .target("case", case);
        h.record_read(&actor, ev).await?;
        Err(CoreError::Forbidden)
    }
}

impl<'p> CaseTx<CaseReader<'p>> {
    /// The same unit, now holding the right to change the case.
    pub(crate) fn into_writer(self, w: CaseWriter<'p>) -> CaseTx<CaseWriter<'p>> {
        CaseTx {
            tx: self.tx,
            cap: w,
            actor: self.actor,
        }
    }

    /// Ends a read: the snapshot is released, then the read's event is recorded (in its own
    /// short transaction, before anything is returned).
    pub(crate) async fn finish(self, h: &Haven, ev: Event) -> Result<()> {
        let case = self.case();
        let actor = self.actor.clone();
        self.tx.commit().await?;
        let ev = if ev.target_kind.is_some() {
            ev
        } else {
            ev.target("case", case)
        };
        h.record_read(&actor, ev).await
    }
}

impl<C: CaseCap> std::ops::Deref for CaseTx<C> {
    type Target = Conn;
    fn deref(&self) -> &Conn {
        &self.tx
    }
}

impl<C: CaseCap> std::ops::DerefMut for CaseTx<C> {
    fn deref_mut(&mut self) -> &mut Conn {
        &mut self.tx
    }
}
