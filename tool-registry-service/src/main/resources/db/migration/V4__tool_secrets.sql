-- Tool secrets, encrypted at rest (envelope encryption, see secret/SecretCipher): each tool has a
-- random data key stored only wrapped by the operator's master key; each value is AES-GCM
-- ciphertext under its tool's data key. Values are never stored or logged in plain text.
create table tool_data_keys (
    tool_id       uuid         primary key references tool_registry (id),
    master_key_id varchar(32)  not null,
    wrapped_key   bytea        not null,
    created_at    timestamptz  not null,
    rewrapped_at  timestamptz
);
create index tool_data_keys_master_idx on tool_data_keys (master_key_id);

create table tool_secrets (
    id         uuid         primary key,
    tool_id    uuid         not null references tool_registry (id),
    name       varchar(128) not null,
    ciphertext bytea        not null,
    updated_at timestamptz  not null,
    updated_by varchar(255) not null,
    unique (tool_id, name)
);

-- What each version declares it uses (names only); part of the version, not of the fingerprint.
alter table tool_versions add column secrets text[] not null default '{}';
