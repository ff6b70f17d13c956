#!/usr/bin/env python3
"""Build a git repository laid out as mitre/cti from ATT&CK bundles, for
benchmarks: one commit and one tag (ATT&CK-vX.Y) per bundle, holding
DOMAIN/DOMAIN.json (the bundle, as given) and DOMAIN/TYPE/ID.json (one
single-object bundle per object, indented by 4 as mitre/cti writes them).

usage: make-cti-repo.py REPO DOMAIN-X.Y.json...   (oldest first; git needed)
"""
import json
import os
import re
import shutil
import subprocess
import sys


def git(repo, *args):
    subprocess.run(["git", "-C", repo, *args], check=True,
                   stdout=subprocess.DEVNULL)


def main():
    if len(sys.argv) < 3:
        sys.exit(__doc__)
    repo = sys.argv[1]
    os.makedirs(repo, exist_ok=True)
    git(repo, "init", "-q")
    git(repo, "config", "user.name", "attackkb bench")
    git(repo, "config", "user.email", "bench@attackkb.invalid")
    for path in sys.argv[2:]:
        m = re.search(r"((?:enterprise|mobile|ics|pre)-attack)-(\d+\.\d+)\.json$",
                      path)
        if not m:
            sys.exit(f"{path}: name it DOMAIN-X.Y.json")
        domain, version = m.group(1), m.group(2)
        with open(path, "rb") as f:
            raw = f.read()
        bundle = json.loads(raw)
        top = os.path.join(repo, domain)
        shutil.rmtree(top, ignore_errors=True)
        os.makedirs(top)
        with open(os.path.join(top, domain + ".json"), "wb") as f:
            f.write(raw)
        for obj in bundle["objects"]:
            folder = os.path.join(top, obj["type"])
            os.makedirs(folder, exist_ok=True)
            one = {"type": "bundle", "id": "bundle--" + obj["id"].split("--")[1],
                   "spec_version": bundle.get("spec_version", "2.0"),
                   "objects": [obj]}
            with open(os.path.join(folder, obj["id"] + ".json"), "w") as f:
                json.dump(one, f, indent=4, ensure_ascii=False)
                f.write("\n")
        git(repo, "add", "-A")
        git(repo, "commit", "-q", "-m", f"ATT&CK v{version}")
        git(repo, "tag", f"ATT&CK-v{version}")
    git(repo, "gc", "-q")


if __name__ == "__main__":
    main()
