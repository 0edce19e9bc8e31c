-- The platform's tables, in every service's database.

-- Events written in the same transaction as the state they describe; the relay publishes them to Kafka.
create table outbox_message (
    id           bigserial primary key,
    event_id     varchar(64)  not null unique,
    topic        varchar(128) not null,
    message_key  varchar(128) not null,
    payload      text         not null,
    created_at   timestamptz  not null default now(),
    published_at timestamptz
);
create index outbox_message_pending on outbox_message (id) where published_at is null;

-- Events already processed by this service: a second delivery has no second effect.
create table processed_event (
    event_id     varchar(64)  primary key,
    topic        varchar(128) not null,
    processed_at timestamptz  not null default now()
);
