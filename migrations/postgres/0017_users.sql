-- The admin web UI's users, their sessions and the sign-in throttle (API.md §10).

-- password_hash: an Argon2id PHC string; the password itself is never stored. A user is
-- disabled, never deleted (documents keep naming who made them).
CREATE TABLE users (
    account_id    BIGINT NOT NULL REFERENCES accounts (id),
    id            BIGINT NOT NULL,
    login         TEXT    NOT NULL,
    password_hash TEXT    NOT NULL,
    role          TEXT    NOT NULL CHECK (role IN ('owner', 'manager', 'accountant', 'viewer')),
    disabled      BIGINT NOT NULL DEFAULT 0,
    created_at    BIGINT NOT NULL,
    updated_at    BIGINT NOT NULL,
    PRIMARY KEY (account_id, id)
);

CREATE UNIQUE INDEX users_by_login ON users (account_id, login);

-- token_hash: hex SHA-256 of the session cookie's token; csrf: the token every form of the
-- session carries. A session ends when unused for 12 hours, after 30 days, at sign-out, or
-- when its user is disabled.
CREATE TABLE sessions (
    token_hash TEXT    NOT NULL PRIMARY KEY,
    account_id BIGINT NOT NULL,
    user_id    BIGINT NOT NULL,
    csrf       TEXT    NOT NULL,
    created_at BIGINT NOT NULL,
    seen_at    BIGINT NOT NULL,
    FOREIGN KEY (account_id, user_id) REFERENCES users (account_id, id)
);

CREATE INDEX sessions_by_user ON sessions (account_id, user_id);

-- Failed sign-ins per login (known or not, so that throttling tells nothing of which logins
-- exist), in the current window.
CREATE TABLE signin_failures (
    account_id   BIGINT NOT NULL REFERENCES accounts (id),
    login        TEXT    NOT NULL,
    failures     BIGINT NOT NULL,
    window_start BIGINT NOT NULL,
    PRIMARY KEY (account_id, login)
);
