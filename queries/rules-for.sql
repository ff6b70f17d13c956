-- rules-for TECHNIQUE
-- The rules of every detection set but attack that detect a technique:
-- naming it, or one of its sub-techniques (via), or an ID that resolves
-- to it (written, resolution).
-- Example: attackkb query rules-for T1136
-- (What technique_detections and detection_techniques say, read from the
-- IDs' resolution directly: those views expand every rule of every set.)
SELECT s.name AS "set", d.rule_id AS rule, d.title,
       CASE WHEN r.technique_id <> upper(?1) THEN r.technique_id END AS via,
       l.written, r.resolution, d.file, d.line
FROM detection_resolution r
JOIN detection_technique l ON l.written = r.written
JOIN detection d ON d.id = l.detection_id
JOIN detection_set s ON s.id = d.set_id
WHERE r.technique_id = upper(?1)
   OR (length(r.technique_id) = 9 AND length(?1) = 5
       AND substr(r.technique_id, 1, 5) = upper(?1))
ORDER BY via IS NOT NULL, "set", d.title, d.rule_id, via, l.written;
