-- detected-not-mitigated DOMAIN ROLLUP
-- Techniques that rules of the selected detection sets detect but no
-- mitigation addresses: detection is all there is.
-- Example: attackkb query detected-not-mitigated enterprise 0
WITH
-- @include coverage-hits
SELECT s.technique_id AS id, s.name, h.rules, h.titles
FROM hit h
JOIN technique_summary s ON s.technique_id = h.technique_id
                        AND s.domain = h.domain
WHERE h.domain IN (SELECT domain FROM dom) AND s.mitigations = 0
ORDER BY s.technique_id;
