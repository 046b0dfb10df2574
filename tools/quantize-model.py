#!/usr/bin/python3
"""Writes an int8 copy of a model package: the image encoder's weight matrices quantised, activations quantised
per batch at run time (dynamic quantisation), as ONNX Runtime's own `quantize_dynamic` does for MatMul.

    tools/quantize-model.py <package-dir> <out-dir> [--version V] [--reduce-range] [--min-elements N]
    tools/quantize-model.py <package-dir> --graph-out <file.onnx> [--reduce-range] [--min-elements N]

--graph-out writes the int8 image encoder graph alone (what edgert's int8 gate builds beside its cache, next to
the gate file; the package itself is left as it is).

Why our own: ONNX Runtime's quantiser is a Python module of the `onnxruntime` wheel, which Debian does not ship and
our registries do not serve; Debian's python3-onnx reads and writes the graph. Only the rewrite is ours, and it is
the one ONNX Runtime's quantiser ends in after its fusions: every MatMul whose right-hand side is a constant 2-D
weight becomes one com.microsoft DynamicQuantizeMatMul (float input quantised to uint8 per call, int8 weight with
a scale per output column, zero point 0), and a constant bias added to its product becomes the node's own bias
input (ONNX Runtime's fusion does the same; as a separate Add it was 11 % of the int8 ViT-B/32's time). The text encoder is left as it is: text embeddings are computed once per
prompt set and cached, so it costs nothing per tile.

--reduce-range keeps weights to 7 bits (±63), which ONNX Runtime recommends on x86 processors without VNNI, where
the uint8 x int8 multiply-add can saturate.

The copy is a new version of the same package (default: the version with "-int8" appended), with its manifest's
file hashes and name updated, so that it is activated, verified and rolled back like any model plugin. Whether it
is worth using is measured by bench/EdgeRuntime.Bench.Speedups (speed against the float model and the cosine of
their embeddings, tile by tile); docs/performance.md has the figures.

Needs Debian's python3-onnx and python3-numpy.
"""
import argparse
import hashlib
import json
import os
import shutil
import sys
import tempfile

import numpy as np
import onnx
from onnx import helper, numpy_helper

MS_DOMAIN = "com.microsoft"


def save_graph(model, folder, image_file, manifest):
    """The int8 graph replaces the float one. A float graph over 2 GB kept its weights in external data
    (<graph>.data, listed in the manifest); onnx.load read them in, so the copied file is stale: it is rewritten when
    the int8 graph is still too large for one protobuf, and otherwise removed with its manifest entry (a ViT-g's
    4.5 GB of float weights are 1.1 GB in int8)."""
    data = image_file + ".data"
    stale = os.path.join(folder, data)
    if os.path.exists(stale):
        os.remove(stale)
    if model.ByteSize() > 2_000_000_000:
        onnx.save(model, os.path.join(folder, image_file), save_as_external_data=True, all_tensors_to_one_file=True,
                  location=os.path.basename(data))
    else:
        onnx.save(model, os.path.join(folder, image_file))
        manifest["files"].pop(data, None)


def quantise_matmuls(model, reduce_range, min_elements):
    graph = model.graph
    weights = {init.name: init for init in graph.initializer}
    uses = {}
    for node in graph.node:
        for name in node.input:
            uses[name] = uses.get(name, 0) + 1

    limit = 63.0 if reduce_range else 127.0
    nodes, replaced, dropped = [], 0, set()
    for node in graph.node:
        weight = weights.get(node.input[1]) if node.op_type == "MatMul" and len(node.input) == 2 else None
        array = numpy_helper.to_array(weight) if weight is not None else None
        if array is None or array.dtype != np.float32 or array.ndim != 2 or array.size < min_elements:
            nodes.append(node)
            continue

        # Symmetric per output column: zero point 0, so the integer product needs no correction term for B.
        peak = np.abs(array).max(axis=0)
        scale = np.where(peak > 0, peak / limit, 1.0).astype(np.float32)
        quantised = np.clip(np.rint(array / scale), -limit, limit).astype(np.int8)
        base = node.name or node.output[0]
        names = [f"{base}_Wq", f"{base}_Wscale", f"{base}_Wzero"]
        graph.initializer.extend([
            numpy_helper.from_array(quantised, names[0]),
            numpy_helper.from_array(scale, names[1]),
            numpy_helper.from_array(np.zeros(scale.shape, np.int8), names[2]),
        ])
        nodes.append(helper.make_node("DynamicQuantizeMatMul", [node.input[0], *names], list(node.output), name=base + "_int8", domain=MS_DOMAIN))
        replaced += 1
        if uses.get(weight.name, 0) == 1:
            dropped.add(weight.name)

    del graph.node[:]
    graph.node.extend(nodes)
    kept = [init for init in graph.initializer if init.name not in dropped]
    del graph.initializer[:]
    graph.initializer.extend(kept)
    if not any(o.domain == MS_DOMAIN for o in model.opset_import):
        model.opset_import.append(helper.make_opsetid(MS_DOMAIN, 1))
    return replaced


def fuse_biases(graph):
    """A DynamicQuantizeMatMul followed by an Add of a constant bias takes the bias as its own fifth input, so the
    kernel adds it while the product is in cache instead of a separate pass over the whole activation (the Adds were
    11 % of the int8 ViT-B/32's time in ONNX Runtime's profile, more than every attention op but one)."""
    weights = {init.name: init for init in graph.initializer}
    producers = {out: node for node in graph.node for out in node.output}
    consumers = {}
    for node in graph.node:
        for name in node.input:
            consumers.setdefault(name, []).append(node)

    def initializer(name):
        # Exporters tie shared parameters through Identity nodes: follow them to the initializer.
        for _ in range(16):
            if name in weights or name not in producers or producers[name].op_type != "Identity":
                break
            name = producers[name].input[0]
        return weights.get(name)

    graph_outputs = {o.name for o in graph.output}
    removed, fused = set(), 0
    for node in graph.node:
        if node.op_type != "DynamicQuantizeMatMul" or len(node.input) > 4 or node.output[0] in graph_outputs:
            continue
        users = consumers.get(node.output[0], [])
        if len(users) != 1 or users[0].op_type != "Add":
            continue
        add = users[0]
        other = add.input[1] if add.input[0] == node.output[0] else add.input[0]
        bias = initializer(other)
        columns = weights[node.input[1]].dims[1]
        if bias is None or bias.data_type != onnx.TensorProto.FLOAT or list(bias.dims) != [columns]:
            continue
        while len(node.input) < 4:
            node.input.append("")
        node.input.append(other)
        node.output[0] = add.output[0]
        removed.add(id(add))
        fused += 1
    kept = [n for n in graph.node if id(n) not in removed]
    del graph.node[:]
    graph.node.extend(kept)
    return fused


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("package", help="the model package folder (holds model.json)")
    parser.add_argument("out", nargs="?", help="the folder to write the int8 package into (must not exist)")
    parser.add_argument("--graph-out", help="write only the int8 image encoder graph to this file (replaced if it exists)")
    parser.add_argument("--version", help="the new package's version (default: the package's with -int8)")
    parser.add_argument("--reduce-range", action="store_true", help="7-bit weights, for x86 processors without VNNI")
    parser.add_argument("--min-elements", type=int, default=4096, help="leave weight matrices smaller than this in float (default 4096)")
    args = parser.parse_args()

    manifest_path = os.path.join(args.package, "model.json")
    if not os.path.isfile(manifest_path):
        sys.exit(f"quantize-model: {manifest_path}: not found (is {args.package} a model package?)")
    if (args.out is None) == (args.graph_out is None):
        sys.exit("quantize-model: give either an output package folder or --graph-out FILE")
    if args.out is not None and os.path.exists(args.out):
        sys.exit(f"quantize-model: {args.out}: already exists; a package version is never overwritten")
    with open(manifest_path, encoding="utf-8") as f:
        manifest = json.load(f)
    image_file = manifest["imageEncoder"]["file"]

    model = onnx.load(os.path.join(args.package, image_file))
    replaced = quantise_matmuls(model, args.reduce_range, args.min_elements)
    fuse_biases(model.graph)
    if replaced == 0:
        sys.exit(f"quantize-model: {os.path.join(args.package, image_file)}: no MatMul with a constant 2-D float weight to quantise")

    if args.graph_out is not None:
        partial = args.graph_out + ".part"
        onnx.save(model, partial)
        os.replace(partial, args.graph_out)
        print(f"wrote {args.graph_out}: {replaced} MatMul weights int8 ({7 if args.reduce_range else 8}-bit)")
        return

    parent = os.path.dirname(os.path.abspath(args.out))
    os.makedirs(parent, exist_ok=True)
    staging = tempfile.mkdtemp(prefix=".quantize-", dir=parent)
    try:
        shutil.copytree(args.package, staging, dirs_exist_ok=True)
        save_graph(model, staging, image_file, manifest)
        bits = 7 if args.reduce_range else 8
        original = manifest["version"]
        manifest["version"] = args.version or original + "-int8"
        manifest["name"] = f"{manifest['name']} (image encoder int8: {replaced} weight matrices, {bits}-bit per column)"
        manifest["source"] = f"{manifest['source']}; quantised by tools/quantize-model.py from version {original}"
        for name in [image_file, image_file + ".data"]:
            if os.path.exists(os.path.join(staging, name)):
                with open(os.path.join(staging, name), "rb") as f:
                    manifest["files"][name] = hashlib.file_digest(f, "sha256").hexdigest()
        with open(os.path.join(staging, "model.json"), "w", encoding="utf-8") as f:
            json.dump(manifest, f, indent=2)
            f.write("\n")
        os.rename(staging, args.out)
    except BaseException:
        shutil.rmtree(staging, ignore_errors=True)
        raise
    print(f"wrote {args.out}: {replaced} MatMul weights int8 ({bits}-bit), version {manifest['version']}")


if __name__ == "__main__":
    main()
