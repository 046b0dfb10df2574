"""Writing an EdgeRuntime model package (format 2, docs/model-package-format-2.md): ONNX export (external data
for graphs over 2 GB), the SHA-256 of every file, and model.json."""
import hashlib
import json
import os

import onnx
import torch

# ONNX's protobuf limit; larger graphs keep their weights in an external-data file beside the graph.
PROTOBUF_LIMIT = 2 * 1024**3 - 64 * 1024**2


def sha256(path):
    h = hashlib.sha256()
    with open(path, "rb") as f:
        for chunk in iter(lambda: f.read(1 << 20), b""):
            h.update(chunk)
    return h.hexdigest()


def export_onnx(module, example_inputs, path, input_names, output_names, dynamic_axes, opset=17):
    """Exports module to path; moves the weights to path + '.data' when the graph would pass 2 GB.
    Returns the package-relative file names written (the graph, and its external data if any)."""
    module.eval()
    with torch.no_grad():
        torch.onnx.export(module, example_inputs, path, input_names=input_names, output_names=output_names,
                          dynamic_axes=dynamic_axes, opset_version=opset, do_constant_folding=True)
    files = [os.path.basename(path)]
    if os.path.getsize(path) > PROTOBUF_LIMIT or any(
            os.path.exists(os.path.join(os.path.dirname(path), f)) and f.startswith("onnx__")
            for f in os.listdir(os.path.dirname(path))):
        model = onnx.load(path, load_external_data=True)
        data_name = os.path.basename(path) + ".data"
        onnx.save_model(model, path, save_as_external_data=True, all_tensors_to_one_file=True,
                        location=data_name, size_threshold=1024)
        for stray in os.listdir(os.path.dirname(path)):
            if stray.startswith("onnx__") or stray.startswith("Constant_"):
                os.remove(os.path.join(os.path.dirname(path), stray))
        files.append(data_name)
    return files


def write_manifest(package_dir, manifest):
    """Hashes every file under package_dir into manifest['files'] and writes model.json (keys in the order given)."""
    files = {}
    for root, _, names in os.walk(package_dir):
        for name in sorted(names):
            full = os.path.join(root, name)
            rel = os.path.relpath(full, package_dir).replace(os.sep, "/")
            if rel == "model.json":
                continue
            files[rel] = sha256(full)
    manifest = dict(manifest)
    manifest["files"] = dict(sorted(files.items()))
    with open(os.path.join(package_dir, "model.json"), "w") as f:
        json.dump(manifest, f, indent=2)
        f.write("\n")
    return manifest
