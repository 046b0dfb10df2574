#!/usr/bin/env python3
"""Counts the slide-id walk of docs/architecture.md ("A slide id from the inbox to MQTT"): crossings between
projects (a call and its return are two) and returns into a project already left. Run from anywhere."""
import pathlib
import re

doc = (pathlib.Path(__file__).resolve().parents[2] / "docs" / "architecture.md").read_text(encoding="utf-8")
section = doc.split("## A slide id from the inbox to MQTT", 1)[1].split("\n\n1. ", 1)[0]
walk = []
for row in re.findall(r"^\| \d[^|]*\| (.*) \|$", section, re.M):
    for step in row.split("→"):
        name = re.sub(r"\(.*?\)|`", "", step).strip()
        if name:
            walk.append(name)
entries = [p for i, p in enumerate(walk) if i == 0 or walk[i - 1] != p]
returns = sum(1 for i, p in enumerate(entries) if p in entries[:i])
print(f"crossings {len(entries) - 1}, returns into a project already left {returns}")
