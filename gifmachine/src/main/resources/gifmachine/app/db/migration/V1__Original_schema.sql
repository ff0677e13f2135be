-- The table exactly as the Ruby original's ActiveRecord migration created it. Existing
-- installations already have it: Flyway baselines them at this version and skips this script.
CREATE TABLE IF NOT EXISTS gifs (
  id serial PRIMARY KEY,
  url character varying,
  who character varying,
  "when" timestamp without time zone,
  meme_top character varying,
  meme_bottom character varying
);
