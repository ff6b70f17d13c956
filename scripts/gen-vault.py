#!/usr/bin/env python3
"""Write a seed-format Obsidian vault (as the generator of
tests/fixtures/notes/seed-vault does) for every technique, group and
mitigation of an attackkb store: the benchmark vault of make bench.
usage: gen-vault.py ATTACKKB DB OUTDIR"""
import csv, io, os, subprocess, sys

akb, db, out = sys.argv[1:4]

def rows(sql):
    text = subprocess.run([akb, "--db", db, "sql", "--format", "csv", sql],
                          check=True, capture_output=True, text=True).stdout
    return list(csv.DictReader(io.StringIO(text)))

def cell(s):
    return (s or "").replace("\n", " ").replace("|", "\\|")

folders = {"technique": "techniques", "mitigation": "mitigations",
           "group": "groups", "software": "software", "campaign": "campaigns",
           "tactic": "tactics", "data_component": "data-components",
           "detection_strategy": "detection-strategies",
           "analytic": "analytics"}
# 2,600 notes: every live enterprise object but the matrix, analytics last.
objs = rows("SELECT attack_id, name, type, description FROM attack_objects "
            "WHERE domain = 'enterprise-attack' AND revoked = 0 AND "
            "deprecated = 0 AND type <> 'matrix' ORDER BY type = "
            "'analytic', attack_id LIMIT 2600")
mit = {}
for r in rows("SELECT mitigation_id, technique_id, description FROM mitigates "
              "WHERE domain = 'enterprise-attack'"):
    mit.setdefault(r["technique_id"], []).append(r)
names = {o["attack_id"]: o["name"] for o in objs}
for o in objs:
    kind = "technique" if o["type"] == "subtechnique" else o["type"]
    d = os.path.join(out, "Enterprise-Attack", folders[kind])
    os.makedirs(d, exist_ok=True)
    name = o["name"].replace("/", "\uff0f")
    path = os.path.join(d, name + ".md")
    if os.path.exists(path):  # same names: "Local Account (T1087.001)"
        path = os.path.join(d, "%s (%s).md" % (name, o["attack_id"]))
    with open(path, "w") as f:
        f.write("---\nalias: %s\n---\n\n## %s\n\n%s\n\n" %
                (o["attack_id"], o["attack_id"], o["description"]))
        if kind == "technique":
            f.write("### Mitigations\n\n| ID | Name | Description |\n"
                    "| --- | --- | --- |\n")
            for m in mit.get(o["attack_id"], []):
                f.write("| [[Enterprise-Attack/mitigations/%s\\|%s]] | %s | %s |\n"
                        % (names.get(m["mitigation_id"], "").replace("/", "\uff0f"),
                           m["mitigation_id"], names.get(m["mitigation_id"], ""),
                           cell(m["description"])))
        f.write("\n---\n### References\n\n- mitre-attack: "
                "https://attack.mitre.org/%s/%s\n" % (folders[kind], o["attack_id"]))
print(len(objs))
