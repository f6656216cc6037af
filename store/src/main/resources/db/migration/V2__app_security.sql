-- Per-app security settings (issue 12). Portable SQL: the same file migrates H2 and PostgreSQL.
-- The playback key signs live playback URLs (Tencent CSS hotlink protection: txSecret = MD5(key + stream + txTime)).
-- Rows that exist before this migration get a random key from JdbcAppStore.open (SQL has no portable random hex).
ALTER TABLE apps ADD COLUMN play_key VARCHAR(64);
-- Whether live output (HTTP-FLV, HLS, RTMP play) of this app's streams is served without a signed URL.
ALTER TABLE apps ADD COLUMN public_playback BOOLEAN DEFAULT FALSE NOT NULL;
-- TRTC's "advanced permission control": every entry needs a valid PrivateMapKey.
ALTER TABLE apps ADD COLUMN require_private_map_key BOOLEAN DEFAULT FALSE NOT NULL;
-- After a key rotation, the previous secret key still verifies UserSigs until this instant.
ALTER TABLE apps ADD COLUMN previous_secret_key CHAR(64);
ALTER TABLE apps ADD COLUMN previous_key_valid_until TIMESTAMP WITH TIME ZONE;
