-- PostgreSQL keeps its own statistics (autovacuum's ANALYZE); this refreshes them once so
-- that the versions of both backends' migrations stay in step.

ANALYZE;
