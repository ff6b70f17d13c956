-- detection-sets
-- The detection sets: what each import read and stored, and how the
-- technique IDs of its rules resolve in the selected releases. `attack`
-- is ATT&CK's own detection strategies.
SELECT s.name, s.rules, s.files, s.skipped, s.warnings,
       (SELECT count(*) FROM detection_techniques t
        WHERE t.set_name = s.name AND t.resolution = 'exact') AS exact,
       (SELECT count(*) FROM detection_techniques t
        WHERE t.set_name = s.name AND t.resolution <> 'exact') AS issues,
       s.imported_at, s.source
FROM detection_sets s
ORDER BY s.name = 'attack', s.name;
