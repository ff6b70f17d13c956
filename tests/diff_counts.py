#!/usr/bin/env python3
"""Changelog counts between two ATT&CK bundles, derived independently of
attackkb: plain Python over the raw JSON, following mitreattack-python's
diff_stix rules (mitreattack/diffStix: data_loader, change_detector,
version_utils). tests/check_gitdiff.c asserts attackkb's numbers against
the output of this script.

    python3 tests/diff_counts.py OLD.json[.gz] NEW.json[.gz]

Prints, per object type with changes, the counts per section:
    TYPE additions major minor other patches revocations deprecations deletions
and then, per technique (live in the new release, in both), the numbers of
mitigations, procedure examples (uses), tactics and detections added and
removed, as one line "techniques-with-changes N".

The rules, for objects of one type (by STIX type) in one domain:
  additions / deletions: STIX IDs only in the new / old bundle;
  for IDs in both:
    new revoked:    old revoked too -> nothing; else the first revoked-by
                    relationship of the new bundle from the object must
                    point at an object of the same type in the new bundle
                    -> revocation; else nothing (diff_stix logs an error);
    new deprecated: old deprecated too -> nothing; else deprecation;
    otherwise x_mitre_version (absent = 0.0), old X.Y:
                    new (X+1).0 -> major; X.(Y+1) -> minor; other
                    difference -> other; same version and different
                    modified time, or description lines differing (with
                    "\n" read as " ") -> patch; else unchanged.
"""
import datetime
import gzip
import json
import sys

TYPES = [
    ("techniques", ["attack-pattern"]),
    ("software", ["malware", "tool"]),
    ("groups", ["intrusion-set"]),
    ("campaigns", ["campaign"]),
    ("assets", ["x-mitre-asset"]),
    ("mitigations", ["course-of-action"]),
    ("datasources", ["x-mitre-data-source"]),
    ("datacomponents", ["x-mitre-data-component"]),
    ("detectionstrategies", ["x-mitre-detection-strategy"]),
    ("analytics", ["x-mitre-analytic"]),
]
SECTIONS = ["additions", "major", "minor", "other", "patches", "revocations",
            "deprecations", "deletions"]


def load(path):
    opener = gzip.open if path.endswith(".gz") else open
    with opener(path, "rt", encoding="utf-8") as f:
        return json.load(f)["objects"]


def version(obj):
    major, minor = obj.get("x_mitre_version", "0.0").split(".")
    return int(major), int(minor)


def when(s):
    return datetime.datetime.fromisoformat(s.replace("Z", "+00:00"))


def lines(obj):
    return obj["description"].replace("\n", " ").splitlines()


def section(old, new, new_objs_of_type, revoked_by):
    if new.get("revoked"):
        if old.get("revoked"):
            return None
        rels = revoked_by.get(new["id"])
        if not rels or rels[0]["target_ref"] not in new_objs_of_type:
            return None
        return "revocations"
    if new.get("x_mitre_deprecated"):
        return None if old.get("x_mitre_deprecated") else "deprecations"
    ov, nv = version(old), version(new)
    if nv == (ov[0] + 1, 0):
        return "major"
    if nv == (ov[0], ov[1] + 1):
        return "minor"
    if nv != ov:
        return "other"
    if when(old["modified"]) != when(new["modified"]):
        return "patches"
    if "description" in old and "description" in new:
        ol, nl = lines(old), lines(new)
        if [x for x in ol if x not in nl] or [x for x in nl if x not in ol]:
            return "patches"
    return None


def live(o):
    return not o.get("revoked") and not o.get("x_mitre_deprecated")


def related(objs, target, rel_type, source_types):
    """Sources of live rel_type relationships to target, by STIX type."""
    by_id = {o["id"]: o for o in objs}
    out = set()
    for r in objs:
        if (r["type"] == "relationship" and r["relationship_type"] == rel_type
                and r["target_ref"] == target and live(r)
                and r["source_ref"] in by_id
                and by_id[r["source_ref"]]["type"] in source_types):
            out.add(r["source_ref"])
    return out


def main():
    old_objs, new_objs = load(sys.argv[1]), load(sys.argv[2])
    revoked_by = {}
    for r in new_objs:
        if r["type"] == "relationship" and r["relationship_type"] == "revoked-by":
            revoked_by.setdefault(r["source_ref"], []).append(r)
    for name, stix_types in TYPES:
        old = {o["id"]: o for o in old_objs if o["type"] in stix_types}
        new = {o["id"]: o for o in new_objs if o["type"] in stix_types}
        counts = dict.fromkeys(SECTIONS, 0)
        counts["additions"] = len(new.keys() - old.keys())
        counts["deletions"] = len(old.keys() - new.keys())
        for sid in old.keys() & new.keys():
            s = section(old[sid], new[sid], new, revoked_by)
            if s:
                counts[s] += 1
        if any(counts.values()):
            print(name, *(counts[s] for s in SECTIONS))
    # Relationship changes around techniques live in the new release.
    kinds = [("mitigates", ["course-of-action"]),
             ("uses", ["intrusion-set", "malware", "tool", "campaign"]),
             ("detects", ["x-mitre-detection-strategy",
                          "x-mitre-data-component"])]
    old_t = {o["id"]: o for o in old_objs if o["type"] == "attack-pattern"}
    totals = {}
    changed = 0
    for t in new_objs:
        if t["type"] != "attack-pattern" or not live(t) or t["id"] not in old_t:
            continue
        any_change = False
        for rel, types in kinds:
            a = related(old_objs, t["id"], rel, types)
            b = related(new_objs, t["id"], rel, types)
            totals[rel + "-added"] = totals.get(rel + "-added", 0) + len(b - a)
            totals[rel + "-removed"] = totals.get(rel + "-removed", 0) + len(a - b)
            any_change |= a != b
        op = {p["phase_name"] for p in old_t[t["id"]].get("kill_chain_phases", [])}
        np_ = {p["phase_name"] for p in t.get("kill_chain_phases", [])}
        totals["tactics-gained"] = totals.get("tactics-gained", 0) + len(np_ - op)
        totals["tactics-lost"] = totals.get("tactics-lost", 0) + len(op - np_)
        changed += any_change or op != np_
    for k in sorted(totals):
        print(k, totals[k])


if __name__ == "__main__":
    main()
