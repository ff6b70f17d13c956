-- detections-for TECHNIQUE
-- ATT&CK's detection strategies for a technique: each analytic with its
-- platform and the log sources (data component, name, channel) it reads.
-- Example: attackkb query detections-for T1136.001
SELECT d.detection_strategy_id AS strategy, a.attack_id AS analytic,
       a.platform, l.data_component_id AS data_component, l.name AS log_source,
       l.channel, d.domain
FROM detects d
JOIN analytics a ON a.detection_strategy_id = d.detection_strategy_id
                AND a.domain = d.domain
JOIN analytic_log_sources l ON l.analytic_id = a.attack_id
                           AND l.domain = a.domain
WHERE d.technique_id = upper(?1)
ORDER BY d.domain, strategy, analytic, data_component;
