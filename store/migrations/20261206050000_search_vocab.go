package migrations

// The built-in index's vocabulary, read to correct typed words that match
// nothing. SQLite: an fts5vocab table over search_fts (always current).
// PostgreSQL: search_vocab (word, ndoc) kept by statement triggers on
// search_docs from its tsv, with a pg_trgm index for similar words; the
// extension must be available (Debian: postgresql-contrib, or the server
// package's contrib), which the first statement checks with a clear error.
func m20261206050000() change {
	return change{
		name:    "20261206050000",
		comment: "search: the built-in index's vocabulary for typo correction (SQLite fts5vocab; PostgreSQL word counts kept by triggers, pg_trgm)",
		up: `
-- only:sqlite
CREATE VIRTUAL TABLE search_vocab USING fts5vocab (search_fts, 'col')
--split
-- only:pg
DO $$ BEGIN
	IF NOT EXISTS (SELECT 1 FROM pg_available_extensions WHERE name = 'pg_trgm') THEN
		RAISE EXCEPTION 'the PostgreSQL extension pg_trgm is not installed on this server: install PostgreSQL''s contrib extensions (Debian: postgresql-contrib); the built-in search needs it to correct typos';
	END IF;
END $$
--split
-- only:pg
CREATE EXTENSION IF NOT EXISTS pg_trgm
--split
-- only:pg
CREATE TABLE search_vocab (
	word TEXT PRIMARY KEY,
	ndoc BIGINT NOT NULL
)
--split
-- only:pg
CREATE INDEX search_vocab_trgm_idx ON search_vocab USING GIN (word gin_trgm_ops)
--split
-- only:pg
INSERT INTO search_vocab (word, ndoc) SELECT word, ndoc FROM ts_stat('SELECT tsv FROM search_docs WHERE tsv IS NOT NULL', 'ad')
--split
-- only:pg
CREATE FUNCTION search_vocab_add() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
	INSERT INTO search_vocab (word, ndoc)
	SELECT w, COUNT(*) FROM new_docs, unnest(tsvector_to_array(ts_filter(new_docs.tsv, '{a,d}'))) AS w WHERE new_docs.tsv IS NOT NULL GROUP BY w
	ON CONFLICT (word) DO UPDATE SET ndoc = search_vocab.ndoc + EXCLUDED.ndoc;
	RETURN NULL;
END $$
--split
-- only:pg
CREATE FUNCTION search_vocab_remove() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
	UPDATE search_vocab v SET ndoc = v.ndoc - o.n
	FROM (SELECT w, COUNT(*) AS n FROM old_docs, unnest(tsvector_to_array(ts_filter(old_docs.tsv, '{a,d}'))) AS w WHERE old_docs.tsv IS NOT NULL GROUP BY w) o
	WHERE v.word = o.w;
	DELETE FROM search_vocab WHERE ndoc <= 0;
	RETURN NULL;
END $$
--split
-- only:pg
CREATE FUNCTION search_vocab_clear() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
	DELETE FROM search_vocab;
	RETURN NULL;
END $$
--split
-- only:pg
CREATE TRIGGER search_vocab_insert AFTER INSERT ON search_docs REFERENCING NEW TABLE AS new_docs
FOR EACH STATEMENT EXECUTE FUNCTION search_vocab_add()
--split
-- only:pg
CREATE TRIGGER search_vocab_delete AFTER DELETE ON search_docs REFERENCING OLD TABLE AS old_docs
FOR EACH STATEMENT EXECUTE FUNCTION search_vocab_remove()
--split
-- only:pg
CREATE TRIGGER search_vocab_update_old AFTER UPDATE ON search_docs REFERENCING OLD TABLE AS old_docs
FOR EACH STATEMENT EXECUTE FUNCTION search_vocab_remove()
--split
-- only:pg
CREATE TRIGGER search_vocab_update_new AFTER UPDATE ON search_docs REFERENCING NEW TABLE AS new_docs
FOR EACH STATEMENT EXECUTE FUNCTION search_vocab_add()
--split
-- only:pg
CREATE TRIGGER search_vocab_truncate AFTER TRUNCATE ON search_docs
FOR EACH STATEMENT EXECUTE FUNCTION search_vocab_clear()
`,
		down: `
-- only:sqlite
DROP TABLE search_vocab
--split
-- only:pg
DROP TRIGGER search_vocab_truncate ON search_docs
--split
-- only:pg
DROP TRIGGER search_vocab_update_new ON search_docs
--split
-- only:pg
DROP TRIGGER search_vocab_update_old ON search_docs
--split
-- only:pg
DROP TRIGGER search_vocab_delete ON search_docs
--split
-- only:pg
DROP TRIGGER search_vocab_insert ON search_docs
--split
-- only:pg
DROP FUNCTION search_vocab_clear()
--split
-- only:pg
DROP FUNCTION search_vocab_remove()
--split
-- only:pg
DROP FUNCTION search_vocab_add()
--split
-- only:pg
DROP TABLE search_vocab
`,
	}
}
