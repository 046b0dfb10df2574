"""Writes one hostile image encoder for the model-package corpus (HostileModels.cs): a graph with the reference
package's signature (pixel_values [batch, 3, S, S] -> image_embeds [batch, E]) that misbehaves inside ONNX Runtime.
Usage: hostile_models.py KIND OUT.onnx INPUT_SIZE EMBEDDING_SIZE [REFERENCE.onnx]"""
import sys

import numpy as np
import onnx
from onnx import TensorProto, helper, numpy_helper

kind, out, size, width = sys.argv[1], sys.argv[2], int(sys.argv[3]), int(sys.argv[4])

if kind == "truncated":
    data = open(sys.argv[5], "rb").read()
    open(out, "wb").write(data[: len(data) // 2])
    sys.exit(0)

features = 3 * size * size
x = helper.make_tensor_value_info("pixel_values", TensorProto.FLOAT, ["batch", 3, size, size])
y = helper.make_tensor_value_info("image_embeds", TensorProto.FLOAT, ["batch", width])
weights = numpy_helper.from_array(np.full((features, width), 1e-3, dtype=np.float32), "w")
nodes = [
    helper.make_node("Flatten", ["pixel_values"], ["flat"], axis=1),
    helper.make_node("MatMul", ["flat", "w"], ["projected"]),
]
initializers = [weights]

if kind == "allocates":
    # A tensor of 2^31 floats (8 GiB) from a constant shape: made while the session is optimised or on the first run.
    initializers.append(numpy_helper.from_array(np.array([1 << 16, 1 << 15], dtype=np.int64), "huge_shape"))
    nodes += [
        helper.make_node("ConstantOfShape", ["huge_shape"], ["huge"], value=helper.make_tensor("one", TensorProto.FLOAT, [1], [1.0])),
        helper.make_node("ReduceSum", ["huge"], ["total"], keepdims=0),
        helper.make_node("Mul", ["total", "zero"], ["nothing"]),
        helper.make_node("Add", ["projected", "nothing"], ["image_embeds"]),
    ]
    initializers.append(numpy_helper.from_array(np.array(0.0, dtype=np.float32), "zero"))
elif kind == "hangs":
    # A loop of 2^62 iterations over a value that depends on the input, so nothing folds it away.
    body = helper.make_graph(
        [helper.make_node("Identity", ["cond_in"], ["cond_out"]), helper.make_node("Add", ["v_in", "step"], ["v_out"])],
        "spin",
        [helper.make_tensor_value_info("i", TensorProto.INT64, []), helper.make_tensor_value_info("cond_in", TensorProto.BOOL, []),
         helper.make_tensor_value_info("v_in", TensorProto.FLOAT, [])],
        [helper.make_tensor_value_info("cond_out", TensorProto.BOOL, []), helper.make_tensor_value_info("v_out", TensorProto.FLOAT, [])],
        [numpy_helper.from_array(np.array(1.0, dtype=np.float32), "step")],
    )
    initializers += [numpy_helper.from_array(np.array(1 << 62, dtype=np.int64), "trips"), numpy_helper.from_array(np.array(True), "forever"),
                     numpy_helper.from_array(np.array(0.0, dtype=np.float32), "zero")]
    nodes += [
        helper.make_node("ReduceSum", ["pixel_values"], ["start"], keepdims=0),
        helper.make_node("Loop", ["trips", "forever", "start"], ["end"], body=body),
        helper.make_node("Mul", ["end", "zero"], ["nothing"]),
        helper.make_node("Add", ["projected", "nothing"], ["image_embeds"]),
    ]
elif kind in ("external-absolute", "external-outside"):
    # The weights "stored beside the graph", at a path that is not beside it.
    location = "/dev/zero" if kind == "external-absolute" else "../../../../../../../../dev/zero"
    weights.data_location = TensorProto.EXTERNAL
    weights.raw_data = b""
    for key, value in (("location", location), ("offset", "0"), ("length", str(features * width * 4))):
        entry = weights.external_data.add()
        entry.key, entry.value = key, value
    nodes.append(helper.make_node("Identity", ["projected"], ["image_embeds"]))
else:
    raise SystemExit(f"unknown kind {kind}")

graph = helper.make_graph(nodes, "hostile", [x], [y], initializers)
model = helper.make_model(graph, opset_imports=[helper.make_opsetid("", 17)])
model.ir_version = 8
open(out, "wb").write(model.SerializeToString())
