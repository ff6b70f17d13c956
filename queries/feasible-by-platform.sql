-- feasible-by-platform DOMAIN
-- Per platform: how many of ATT&CK's analytics the team's log sources can
-- run (attackkb feasible --log-sources FILE --by platform fills
-- collected_log_sources), out of how many, and how many techniques they
-- make detectable in principle, out of how many.
-- Example: attackkb feasible --by platform --log-sources sources.txt
WITH
dom AS (SELECT domain FROM current_release
        WHERE domain = lower(?1) OR domain = lower(?1) || '-attack'),
-- an: every analytic (per platform, technique and log source), marked
-- runnable when the team collects that log source.
an AS MATERIALIZED (
  SELECT a.platform, a.analytic_id, a.technique_id,
         c.name IS NOT NULL AS runnable
  FROM analytic_techniques a
  LEFT JOIN (SELECT DISTINCT name, channel FROM collected_log_sources) c
    ON c.name = a.name AND c.channel IS a.channel
  WHERE a.domain IN (SELECT domain FROM dom)),
pa AS (
  SELECT platform, sum(runnable) AS runnable, count(*) AS analytics
  FROM (SELECT platform, analytic_id, max(runnable) AS runnable FROM an
        GROUP BY platform, analytic_id)
  GROUP BY platform),
pt AS (
  SELECT platform, sum(runnable) AS detectable
  FROM (SELECT platform, technique_id, max(runnable) AS runnable FROM an
        GROUP BY platform, technique_id)
  GROUP BY platform),
totals AS (
  SELECT p.platform, count(*) AS techniques FROM platforms p
  WHERE p.type IN ('technique', 'subtechnique')
    AND p.domain IN (SELECT domain FROM dom)
  GROUP BY p.platform)
SELECT pa.platform, pa.runnable AS analytics_runnable, pa.analytics,
       coalesce(pt.detectable, 0) AS detectable,
       coalesce(t.techniques, 0) AS techniques
FROM pa
LEFT JOIN pt ON pt.platform = pa.platform
LEFT JOIN totals t ON t.platform = pa.platform
ORDER BY pa.platform;
