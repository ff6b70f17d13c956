-- feasible DOMAIN
-- What a team can detect in principle with the log sources it collects
-- (attackkb feasible --log-sources FILE fills collected_log_sources):
-- per platform, each technique with the ATT&CK analytics that can run on
-- those log sources, whether every match was exact (the log source
-- written as ATT&CK writes it) or lenient, and each analytic with the log
-- sources it reads.
-- Example: attackkb feasible --log-sources sources.txt
WITH
dom AS (SELECT domain FROM current_release
        WHERE domain = lower(?1) OR domain = lower(?1) || '-attack'),
-- pts: per platform and technique, each runnable analytic and each log
-- source it reads that the team collects, and whether that matched
-- exactly.
pts AS MATERIALIZED (
  SELECT a.platform, a.technique_id, a.domain, a.analytic_id AS analytic,
         a.name || coalesce(' ' || a.channel, '') AS source,
         max(c.match = 'exact') AS exact
  FROM analytic_techniques a
  JOIN collected_log_sources c ON c.name = a.name AND c.channel IS a.channel
  WHERE a.domain IN (SELECT domain FROM dom)
  GROUP BY a.platform, a.technique_id, a.domain, a.analytic_id, a.name,
           a.channel),
-- per analytic: the log sources it reads, A-Z; then per technique: the
-- analytics, each with those (windows fix group_concat's order).
per_analytic AS (
  SELECT platform, technique_id, domain, analytic,
         group_concat(source, '; ') OVER w AS sources,
         min(exact) OVER w AS exact,
         row_number() OVER w AS r
  FROM pts
  WINDOW w AS (PARTITION BY platform, technique_id, domain, analytic
               ORDER BY source
               ROWS BETWEEN UNBOUNDED PRECEDING AND UNBOUNDED FOLLOWING)),
agg AS (
  SELECT platform, technique_id, domain,
         count(*) OVER w AS analytics,
         group_concat(analytic || ' (' || sources || ')', '; ') OVER w
           AS detail,
         min(exact) OVER w AS exact,
         row_number() OVER w AS r
  FROM per_analytic WHERE r = 1
  WINDOW w AS (PARTITION BY platform, technique_id, domain ORDER BY analytic
               ROWS BETWEEN UNBOUNDED PRECEDING AND UNBOUNDED FOLLOWING))
SELECT g.platform, g.technique_id AS id, s.name, g.analytics,
       CASE WHEN g.exact THEN 'exact' ELSE 'lenient' END AS match,
       g.detail AS "analytics (log sources)"
FROM agg g
JOIN technique_summary s ON s.technique_id = g.technique_id
                        AND s.domain = g.domain
WHERE g.r = 1
ORDER BY g.platform, g.technique_id;
