-- Schema version 7: the audit rows are chained (each row's MAC also covers the MAC of the row
-- before it) and counted in `counters` under 'audit_rows', so that a copied, reordered or
-- deleted audit row, or a cut tail, is seen. No table changes: the upgrade re-MACs the rows
-- in order (qorgau_core::store::integrity::chain_audit) in the same transaction.
SELECT 1;
