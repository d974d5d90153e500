//! Schema versions, kept in `PRAGMA user_version` and upgraded by numbered SQL files.

use rusqlite::Connection;

use crate::error::{Error, Result};

/// The migrations, in order; migration *i* (1-based) brings the schema to version *i*.
const MIGRATIONS: &[&str] = &[
    include_str!("../../sql/0001_init.sql"),
    include_str!("../../sql/0002_orders.sql"),
    include_str!("../../sql/0003_assessments.sql"),
    include_str!("../../sql/0004_outbox.sql"),
    include_str!("../../sql/0005_at_rest.sql"),
    include_str!("../../sql/0006_sync_problem.sql"),
    include_str!("../../sql/0007_audit_chain.sql"),
];

/// The schema version this build writes.
pub const CURRENT: i64 = MIGRATIONS.len() as i64;

/// The migration scripts, in order (for tests that rebuild older databases).
pub fn migrations() -> &'static [&'static str] {
    MIGRATIONS
}

/// Reads the schema version of a database.
pub fn version(conn: &Connection) -> Result<i64> {
    Ok(conn.query_row("PRAGMA user_version", [], |r| r.get(0))?)
}

/// Refuses a database from a newer build, before anything else reads it.
pub fn check_supported(conn: &Connection) -> Result<i64> {
    let v = version(conn)?;
    if v > CURRENT {
        return Err(Error::SchemaTooNew {
            found: v,
            supported: CURRENT,
        });
    }
    Ok(v)
}

/// Applies every migration above the database's version, each in its own transaction together
/// with the version bump, so a crash leaves the database at a whole version. Returns the version
/// the database had.
pub fn migrate(
    conn: &mut Connection,
    after: &dyn Fn(&Connection, i64) -> Result<()>,
) -> Result<i64> {
    let from = check_supported(conn)?;
    for (i, sql) in MIGRATIONS.iter().enumerate().skip(from as usize) {
        let tx = conn.transaction()?;
        tx.execute_batch(sql)?;
        // Work SQL cannot do (MACs, signatures), in the same transaction as the step.
        after(&tx, (i + 1) as i64)?;
        tx.pragma_update(None, "user_version", (i + 1) as i64)?;
        tx.commit()?;
    }
    Ok(from)
}
