-- findings
-- Validation findings of the selected releases (attackkb check).
SELECT r.domain, r.version, f.kind, f.attack_id, f.stix_id, f.detail
FROM finding f
JOIN current_release r ON r.release_id = f.release_id
ORDER BY r.domain, f.kind, f.attack_id, f.stix_id;
