-- Grain state for Orleans' ADO.NET provider on PostgreSQL (invariant Npgsql): the "documents" provider of
-- the cluster profile. The provider reads its three queries from orleansquery by key and binds parameters
-- by name. WriteToStorageKey and ClearStorageKey answer one row, NewGrainStateVersion: the new version on
-- success; on a version conflict the caller's version (or NULL for a first write), which the provider
-- reports as InconsistentStateException. Idempotent: every silo runs it at start, under an advisory lock.
CREATE TABLE IF NOT EXISTS orleansquery
(
    querykey  varchar(64) PRIMARY KEY,
    querytext text NOT NULL
);

CREATE TABLE IF NOT EXISTS orleansstorage
(
    grainidhash            integer      NOT NULL,
    grainidn0              bigint       NOT NULL,
    grainidn1              bigint       NOT NULL,
    graintypehash          integer      NOT NULL,
    graintypestring        varchar(512) NOT NULL,
    grainidextensionstring varchar(512) NULL,
    serviceid              varchar(150) NOT NULL,
    payloadbinary          bytea        NULL,
    modifiedon             timestamptz  NOT NULL,
    version                integer      NULL
);

-- One row per grain: the first-write INSERT relies on it (ON CONFLICT DO NOTHING) when two activations race.
CREATE UNIQUE INDEX IF NOT EXISTS ux_orleansstorage_grain ON orleansstorage
    (grainidhash, graintypehash, grainidn0, grainidn1, graintypestring, (coalesce(grainidextensionstring, '')), serviceid);

INSERT INTO orleansquery (querykey, querytext) VALUES ('WriteToStorageKey', '
    WITH inserted AS (
        INSERT INTO orleansstorage
            (grainidhash, grainidn0, grainidn1, graintypehash, graintypestring, grainidextensionstring,
             serviceid, payloadbinary, modifiedon, version)
        SELECT @GrainIdHash, @GrainIdN0, @GrainIdN1, @GrainTypeHash, @GrainTypeString, @GrainIdExtensionString,
               @ServiceId, @PayloadBinary, now(), 1
        WHERE @GrainStateVersion::integer IS NULL
        ON CONFLICT DO NOTHING
        RETURNING version
    ), updated AS (
        UPDATE orleansstorage
        SET payloadbinary = @PayloadBinary, modifiedon = now(), version = version + 1
        WHERE grainidhash = @GrainIdHash AND graintypehash = @GrainTypeHash
          AND grainidn0 = @GrainIdN0 AND grainidn1 = @GrainIdN1
          AND graintypestring = @GrainTypeString
          AND coalesce(grainidextensionstring, '''') = coalesce(@GrainIdExtensionString::varchar, '''')
          AND serviceid = @ServiceId
          AND version = @GrainStateVersion::integer
        RETURNING version
    )
    SELECT coalesce((SELECT version FROM inserted), (SELECT version FROM updated), @GrainStateVersion::integer)
        AS "NewGrainStateVersion";
')
ON CONFLICT (querykey) DO UPDATE SET querytext = excluded.querytext;

INSERT INTO orleansquery (querykey, querytext) VALUES ('ReadFromStorageKey', '
    SELECT payloadbinary AS "PayloadBinary", version AS "Version"
    FROM orleansstorage
    WHERE grainidhash = @GrainIdHash AND graintypehash = @GrainTypeHash
      AND grainidn0 = @GrainIdN0 AND grainidn1 = @GrainIdN1
      AND graintypestring = @GrainTypeString
      AND coalesce(grainidextensionstring, '''') = coalesce(@GrainIdExtensionString::varchar, '''')
      AND serviceid = @ServiceId
    LIMIT 1;
')
ON CONFLICT (querykey) DO UPDATE SET querytext = excluded.querytext;

INSERT INTO orleansquery (querykey, querytext) VALUES ('ClearStorageKey', '
    WITH updated AS (
        UPDATE orleansstorage
        SET payloadbinary = NULL, modifiedon = now(), version = version + 1
        WHERE grainidhash = @GrainIdHash AND graintypehash = @GrainTypeHash
          AND grainidn0 = @GrainIdN0 AND grainidn1 = @GrainIdN1
          AND graintypestring = @GrainTypeString
          AND coalesce(grainidextensionstring, '''') = coalesce(@GrainIdExtensionString::varchar, '''')
          AND serviceid = @ServiceId
          AND version = @GrainStateVersion::integer
        RETURNING version
    )
    SELECT coalesce((SELECT version FROM updated), @GrainStateVersion::integer) AS "NewGrainStateVersion";
')
ON CONFLICT (querykey) DO UPDATE SET querytext = excluded.querytext;
