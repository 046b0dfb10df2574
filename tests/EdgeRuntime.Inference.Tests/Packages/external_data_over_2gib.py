"""Rewrites a package's image_encoder.onnx so that its weights live in one external-data file larger than 2 GiB.

Usage: external_data_over_2gib.py <image_encoder.onnx> <data file name> <ballast float32 count>

The file starts with a "ballast" initializer of the given number of float32 values (over 2 GiB: more than int32 can
count in bytes, and more than protobuf can hold inline), which the graph uses (its last value is added to the output
tokens, so ONNX Runtime must read it); every original weight follows it, at offsets beyond 2 GiB, each aligned to
64 KiB as ONNX Runtime's memory mapping wants. The ballast is zeros written as a hole (a sparse file): the file is
over 2 GiB long while the disk holds only the weights, so the test costs seconds, not gigabytes of writes.
"""
import os
import sys

import onnx
from onnx import TensorProto, helper, numpy_helper

ALIGN = 1 << 16


def external(tensor, location, offset, length):
    del tensor.external_data[:]
    tensor.data_location = TensorProto.EXTERNAL
    for key, value in (("location", location), ("offset", str(offset)), ("length", str(length))):
        entry = tensor.external_data.add()
        entry.key, entry.value = key, value


def main(graph_path, location, ballast_count):
    model = onnx.load(graph_path)
    graph = model.graph
    data_path = os.path.join(os.path.dirname(graph_path), location)
    ballast_bytes = ballast_count * 4
    with open(data_path, "wb") as data:
        # The ballast: a hole up to its last value (zero too, written, so the file's length is real).
        data.seek(ballast_bytes - 4)
        data.write(b"\0\0\0\0")
        offset = ballast_bytes
        for tensor in graph.initializer:
            raw = numpy_helper.to_array(tensor).tobytes()
            offset = (offset + ALIGN - 1) // ALIGN * ALIGN
            data.seek(offset)
            data.write(raw)
            tensor.ClearField("raw_data")
            for field in ("float_data", "int32_data", "int64_data", "double_data", "uint64_data", "string_data"):
                tensor.ClearField(field)
            external(tensor, location, offset, len(raw))
            offset += len(raw)

    ballast = TensorProto(name="ballast", data_type=TensorProto.FLOAT, dims=[ballast_count])
    external(ballast, location, 0, ballast_bytes)
    graph.initializer.insert(0, ballast)
    graph.initializer.extend([
        numpy_helper.from_array(__import__("numpy").array([ballast_count - 1], dtype="int64"), "ballast_last_start"),
        numpy_helper.from_array(__import__("numpy").array([ballast_count], dtype="int64"), "ballast_last_end"),
    ])
    # tokens' = tokens + ballast[-1:] (zero): the same embedding, from a graph that cannot run without the ballast.
    tokens = next(o for o in graph.output if o.name == "tokens")
    for node in graph.node:
        node.output[:] = ["tokens_before_ballast" if x == tokens.name else x for x in node.output]
        node.input[:] = ["tokens_before_ballast" if x == tokens.name else x for x in node.input]
    graph.node.extend([
        helper.make_node("Slice", ["ballast", "ballast_last_start", "ballast_last_end"], ["ballast_last"]),
        helper.make_node("Add", ["tokens_before_ballast", "ballast_last"], [tokens.name]),
    ])
    with open(graph_path, "wb") as f:
        f.write(model.SerializeToString())
    print(os.path.getsize(data_path))


if __name__ == "__main__":
    main(sys.argv[1], sys.argv[2], int(sys.argv[3]))
