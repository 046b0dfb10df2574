"""A cell head package whose maps are known: the same nuclei on every tile, each of one class.

The graph reads its token and pixel inputs (so that ONNX Runtime keeps them as inputs) and adds them times zero to
constant maps: discs of radius 6 on a 40 px lattice, a distance map of 1 at each centre falling to 0 at its edge, and
every nucleus pixel of class `--class-index`. Tests that swap heads tell by the classes' names which head found a cell.

With --hostile, the graph (every hash still right) misbehaves inside ONNX Runtime on its first run: `allocates` makes
an 8 GiB tensor, `hangs` loops 2^62 times over a value that depends on the tokens (HostileModels.InstallHead).

usage: synthetic_cell_heads.py OUT_FOLDER MODEL_JSON --id ID --version V --classes a,b [--class-index 0] [--tile 224]
       [--hostile allocates|hangs]
"""
import argparse
import hashlib
import json
import os

import numpy as np
import onnx
from onnx import TensorProto, helper, numpy_helper


def sha256(path):
    with open(path, "rb") as f:
        return hashlib.sha256(f.read()).hexdigest()


def maps(size, classes, class_index):
    yy, xx = np.mgrid[0:size, 0:size].astype(np.float32) + 0.5
    nucleus = np.zeros((size, size), np.float32)
    distance = np.zeros((size, size), np.float32)
    for cy in range(20, size - 10, 40):
        for cx in range(20, size - 10, 40):
            r = np.sqrt((xx - cx) ** 2 + (yy - cy) ** 2)
            inside = r < 6
            nucleus[inside] = 1.0
            distance[inside] = np.maximum(distance[inside], 1.0 - r[inside] / 6.0)
    probabilities = np.zeros((classes, size, size), np.float32)
    probabilities[class_index] = 1.0
    return nucleus, distance, probabilities


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("out")
    parser.add_argument("model_json")
    parser.add_argument("--id", required=True)
    parser.add_argument("--version", required=True)
    parser.add_argument("--classes", required=True)
    parser.add_argument("--class-index", type=int, default=0)
    parser.add_argument("--tile", type=int, default=224)
    parser.add_argument("--hostile", choices=["allocates", "hangs"])
    a = parser.parse_args()
    names = a.classes.split(",")
    nucleus, distance, probabilities = maps(a.tile, len(names), a.class_index)

    inputs = [
        helper.make_tensor_value_info("tokens_depth_1", TensorProto.FLOAT, ["tiles", "tokens", "width"]),
        helper.make_tensor_value_info("pixels", TensorProto.FLOAT, ["tiles", 3, a.tile, a.tile]),
    ]
    outputs = [
        helper.make_tensor_value_info("nucleus", TensorProto.FLOAT, ["tiles", a.tile, a.tile]),
        helper.make_tensor_value_info("distance", TensorProto.FLOAT, ["tiles", a.tile, a.tile]),
        helper.make_tensor_value_info("classes", TensorProto.FLOAT, ["tiles", len(names), a.tile, a.tile]),
    ]
    initializers = [
        numpy_helper.from_array(np.array([1, 2], np.int64), "axes_tokens"),
        numpy_helper.from_array(np.array([1, 2, 3], np.int64), "axes_pixels"),
        numpy_helper.from_array(np.array([1, 2], np.int64), "axes_maps"),
        numpy_helper.from_array(np.array([1, 2, 3], np.int64), "axes_classes"),
        numpy_helper.from_array(np.array(0, np.float32), "zero"),
        numpy_helper.from_array(nucleus, "nucleus_map"),
        numpy_helper.from_array(distance, "distance_map"),
        numpy_helper.from_array(probabilities, "class_maps"),
    ]
    nodes = [
        helper.make_node("ReduceSum", ["tokens_depth_1", "axes_tokens"], ["t"], keepdims=0),
        helper.make_node("ReduceSum", ["pixels", "axes_pixels"], ["p"], keepdims=0),
        helper.make_node("Add", ["t", "p"], ["tp"]),
        helper.make_node("Mul", ["tp", "zero"], ["z"]),
        helper.make_node("Unsqueeze", ["z", "axes_maps"], ["z3"]),
        helper.make_node("Unsqueeze", ["z", "axes_classes"], ["z4"]),
        helper.make_node("Add", ["z3", "nucleus_map"], ["nucleus" if a.hostile is None else "nucleus_maps"]),
        helper.make_node("Add", ["z3", "distance_map"], ["distance"]),
        helper.make_node("Add", ["z4", "class_maps"], ["classes"]),
    ]
    if a.hostile == "allocates":
        # A tensor of 2^31 floats (8 GiB) from a constant shape: made while the session is optimised or on the first run.
        initializers.append(numpy_helper.from_array(np.array([1 << 16, 1 << 15], np.int64), "huge_shape"))
        nodes += [
            helper.make_node("ConstantOfShape", ["huge_shape"], ["huge"], value=helper.make_tensor("one", TensorProto.FLOAT, [1], [1.0])),
            helper.make_node("ReduceSum", ["huge"], ["total"], keepdims=0),
            helper.make_node("Mul", ["total", "zero"], ["nothing"]),
            helper.make_node("Add", ["nucleus_maps", "nothing"], ["nucleus"]),
        ]
    elif a.hostile == "hangs":
        body = helper.make_graph(
            [helper.make_node("Identity", ["cond_in"], ["cond_out"]), helper.make_node("Add", ["v_in", "step"], ["v_out"])],
            "spin",
            [helper.make_tensor_value_info("i", TensorProto.INT64, []), helper.make_tensor_value_info("cond_in", TensorProto.BOOL, []),
             helper.make_tensor_value_info("v_in", TensorProto.FLOAT, [])],
            [helper.make_tensor_value_info("cond_out", TensorProto.BOOL, []), helper.make_tensor_value_info("v_out", TensorProto.FLOAT, [])],
            [numpy_helper.from_array(np.array(1.0, np.float32), "step")],
        )
        initializers += [numpy_helper.from_array(np.array(1 << 62, np.int64), "trips"), numpy_helper.from_array(np.array(True), "forever")]
        nodes += [
            helper.make_node("ReduceSum", ["tokens_depth_1"], ["start"], keepdims=0),
            helper.make_node("Loop", ["trips", "forever", "start"], ["end"], body=body),
            helper.make_node("Mul", ["end", "zero"], ["nothing"]),
            helper.make_node("Add", ["nucleus_maps", "nothing"], ["nucleus"]),
        ]
    graph = helper.make_graph(nodes, "synthetic_cell_head", inputs, outputs, initializers)
    model = helper.make_model(graph, opset_imports=[helper.make_opsetid("", 17)])
    model.ir_version = 8
    onnx.checker.check_model(model)
    os.makedirs(a.out, exist_ok=True)
    onnx_path = os.path.join(a.out, "head.onnx")
    onnx.save(model, onnx_path)

    with open(a.model_json) as f:
        encoder = json.load(f)
    palette = ["#d62728", "#1f77b4", "#2ca02c", "#9467bd", "#ff7f0e"]
    manifest = {
        "schemaVersion": 1,
        "kind": "cell-head",
        "id": a.id,
        "version": a.version,
        "name": f"synthetic head {a.id} {a.version}",
        "encoder": {"id": encoder["id"], "version": encoder.get("version"), "sha256": sha256(a.model_json)},
        "file": "head.onnx",
        "inputs": {"tokens": [{"input": "tokens_depth_1", "depth": 1}], "pixels": "pixels"},
        "outputs": {"nucleus": "nucleus", "distance": "distance", "classes": "classes"},
        "classes": [{"name": n, "colour": palette[i % len(palette)]} for i, n in enumerate(names)],
        "postProcessing": {"foregroundThreshold": 0.5, "markerDistance": 0.45, "minimumArea": 10},
        "training": {"synthetic": "constant discs on a 40 px lattice"},
        "files": {"head.onnx": sha256(onnx_path)},
    }
    with open(os.path.join(a.out, "head.json"), "w") as f:
        json.dump(manifest, f, indent=1)


if __name__ == "__main__":
    main()
