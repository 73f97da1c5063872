-- The ledger is append-only: a correction is a new entry, never an edit. The database enforces it.
CREATE TRIGGER ledger_entries_append_only_update BEFORE UPDATE ON ledger_entries
BEGIN
  SELECT RAISE(ABORT, 'ledger entries are append-only');
END;
--> statement-breakpoint
CREATE TRIGGER ledger_entries_append_only_delete BEFORE DELETE ON ledger_entries
BEGIN
  SELECT RAISE(ABORT, 'ledger entries are append-only');
END;
--> statement-breakpoint
CREATE TRIGGER ledger_entries_known_kind BEFORE INSERT ON ledger_entries
WHEN NEW.kind NOT IN ('top_up', 'hold', 'post', 'void', 'refund', 'chargeback', 'adjustment')
BEGIN
  SELECT RAISE(ABORT, 'unknown ledger entry kind');
END;
