-- Registered datasets: a folder under the storage root, and the content version its last scan found.
create table dataset (
    id            varchar(64)  primary key,
    name          varchar(256) not null,
    path          varchar(512) not null unique,
    layout        varchar(32)  not null,
    version       varchar(64)  not null,
    registered_at timestamptz  not null default now(),
    scanned_at    timestamptz  not null
);

-- Every content version a dataset has had: per-class counts and the files a scan could not use.
create table dataset_version (
    id               bigserial    primary key,
    dataset_id       varchar(64)  not null references dataset (id),
    version          varchar(64)  not null,
    layout           varchar(32)  not null,
    class_count      integer      not null,
    image_count      integer      not null,
    unreadable_count integer      not null,
    class_counts     jsonb        not null,
    unreadable       jsonb        not null,
    first_seen_at    timestamptz  not null,
    last_seen_at     timestamptz  not null,
    unique (dataset_id, version)
);
