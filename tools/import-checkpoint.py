#!/usr/bin/python3
"""Turns a model family's published checkpoint into an EdgeRuntime model package (format 2); `edgert models import`
runs it. Uses Debian's python3-torch and python3-onnx only.

  import-checkpoint.py --family uni <checkpoint folder or file> --out <plugins root>/models
  import-checkpoint.py --family uni --write-synthetic <folder> [--twin] [--seed N]   (a checkpoint in the family's layout)
  import-checkpoint.py --family uni <checkpoint> --reference <out.json> --images <image>...   (PyTorch's embeddings, for parity)
  import-checkpoint.py --list

A family (tools/families/, discovered by module) provides: id, kind, write_synthetic(folder, twin, seed),
export(checkpoint, out_root, package_id, version) -> package folder, write_reference(checkpoint, images, out).

Exit codes: 0 done; 2 usage; 3 the checkpoint does not match the family (the message names the first keys that
differ); 1 anything else.
"""
import argparse
import os
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))

from families import discover  # noqa: E402

EXIT_MISMATCH = 3


def main():
    families = discover()
    p = argparse.ArgumentParser(description="Import a model family's checkpoint as an EdgeRuntime package.")
    p.add_argument("--family", help="one of: " + ", ".join(sorted(families)))
    p.add_argument("checkpoint", nargs="?", help="checkpoint folder (config.json and weights) or weights file")
    p.add_argument("--out", help="folder of model packages; the package goes to <out>/<id>/<version>")
    p.add_argument("--id", help="package id (default: the family id)")
    p.add_argument("--version", default="1.0.0")
    p.add_argument("--write-synthetic", metavar="FOLDER", help="write a seeded checkpoint in the family's layout")
    p.add_argument("--twin", action="store_true", help="with --write-synthetic: the small structural twin")
    p.add_argument("--seed", type=int, default=0)
    p.add_argument("--reference", metavar="JSON", help="write PyTorch's embeddings of the --images")
    p.add_argument("--images", nargs="+", default=[], help="with --reference: the images")
    p.add_argument("--list", action="store_true", help="list the families")
    a = p.parse_args()
    if a.list:
        for family_id in sorted(families):
            print(f"{family_id}\t{families[family_id].kind}")
        return 0
    if not a.family:
        p.error("--family is required")
    if a.family not in families:
        p.error(f"unknown family '{a.family}' (known: {', '.join(sorted(families))})")
    family = families[a.family]
    try:
        if a.write_synthetic:
            print(family.write_synthetic(a.write_synthetic, twin=a.twin, seed=a.seed))
            return 0
        if not a.checkpoint:
            p.error("a checkpoint folder or file is required")
        if a.reference:
            print(family.write_reference(a.checkpoint, a.images, a.reference))
            return 0
        if not a.out:
            p.error("--out is required")
        print(family.export(a.checkpoint, a.out, package_id=a.id, version=a.version))
        return 0
    except ValueError as e:
        print(f"import-checkpoint: {e}", file=sys.stderr)
        return EXIT_MISMATCH


if __name__ == "__main__":
    sys.exit(main())
