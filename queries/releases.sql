-- releases
-- The releases the store holds; "current" marks the one each domain is
-- seen at (the newest, unless --release says otherwise). The web page reads
-- the first nine columns by position: add new ones at the end.
SELECT r.domain, r.version, r.spec_version AS stix,
       r.objects, r.new_objects, r.ingested_at, r.source,
       CASE WHEN c.release_id IS NULL THEN '' ELSE 'current' END AS seen,
       r.sha256, r.unknown_types, r.unknown_fields,
       (SELECT count(*) FROM finding f WHERE f.release_id = r.id) AS findings
FROM release r
LEFT JOIN current_release c ON c.release_id = r.id
ORDER BY r.domain, r.major, r.minor;
