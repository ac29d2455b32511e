-- Every task without an explicit pool runs in default_pool, so it must exist from the start.
INSERT INTO "pools" ("name", "slots", "description")
VALUES ('default_pool', 128, 'Default pool')
ON CONFLICT ("name") DO NOTHING;
