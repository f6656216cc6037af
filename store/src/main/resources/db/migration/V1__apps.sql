-- The app registry. Portable SQL: the same file migrates the embedded H2 file and PostgreSQL.
CREATE TABLE apps (
    -- TRTC SDKAppIDs are unsigned 32-bit numbers, which need a BIGINT in SQL.
    sdk_app_id   BIGINT                   NOT NULL,
    name         VARCHAR(128)             NOT NULL,
    -- 32 random bytes as lowercase hex.
    secret_key   CHAR(64)                 NOT NULL,
    created_at   TIMESTAMP WITH TIME ZONE NOT NULL,
    enabled      BOOLEAN                  NOT NULL,
    webhook_url  VARCHAR(2048),
    callback_key VARCHAR(256),
    -- Concurrent creators rely on this key to detect that another took the SDKAppID they chose.
    CONSTRAINT apps_pk PRIMARY KEY (sdk_app_id),
    CONSTRAINT apps_sdk_app_id_range CHECK (sdk_app_id BETWEEN 1 AND 4294967295)
);
