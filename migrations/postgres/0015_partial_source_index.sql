-- Only mirrored movements (a transfer's incoming side, an annulment's) name a source: the
-- index of sources need not hold a sale's movements, which are most of the ledger, and a
-- receipt's commit then writes one b-tree fewer per movement.
DROP INDEX stock_movements_by_source;
CREATE INDEX stock_movements_by_source ON stock_movements (account_id, source_id)
    WHERE source_id IS NOT NULL;
