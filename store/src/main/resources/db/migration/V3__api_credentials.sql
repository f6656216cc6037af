-- API credentials of Tencent Cloud API 3.0 (issue 15): a SecretId and SecretKey signing POST / with TC3-HMAC-SHA256.
-- Portable SQL: the same file migrates the embedded H2 file and PostgreSQL.
CREATE TABLE api_credentials (
    -- Tencent's shape: AKID and 32 letters or digits.
    secret_id         VARCHAR(36)              NOT NULL,
    -- The SecretKey sealed with the node's credential key (AES-256-GCM, docs/security.md): verifying an HMAC needs
    -- the key itself, so it cannot be hashed; the database alone never shows it.
    sealed_secret_key VARCHAR(255)             NOT NULL,
    created_at        TIMESTAMP WITH TIME ZONE NOT NULL,
    -- TRUE: the credential may call the API for every app, present and future.
    all_apps          BOOLEAN                  NOT NULL,
    CONSTRAINT api_credentials_pk PRIMARY KEY (secret_id)
);
-- The apps a credential is scoped to when all_apps is FALSE.
CREATE TABLE api_credential_apps (
    secret_id  VARCHAR(36) NOT NULL,
    sdk_app_id BIGINT      NOT NULL,
    CONSTRAINT api_credential_apps_pk PRIMARY KEY (secret_id, sdk_app_id),
    CONSTRAINT api_credential_apps_credential_fk FOREIGN KEY (secret_id) REFERENCES api_credentials (secret_id)
        ON DELETE CASCADE
);
