"""The safetensors file format, read and written with the standard library and torch alone (Debian has no
python3-safetensors). Format: 8-byte little-endian header length, a JSON header mapping each tensor name to
{dtype, shape, data_offsets: [begin, end]} (offsets into the data section), optional "__metadata__", then the data."""
import json
import struct

import numpy as np
import torch

_DTYPES = {
    "F32": (torch.float32, np.float32), "F16": (torch.float16, np.float16), "BF16": (torch.bfloat16, None),
    "F64": (torch.float64, np.float64), "I64": (torch.int64, np.int64), "I32": (torch.int32, np.int32),
    "I16": (torch.int16, np.int16), "I8": (torch.int8, np.int8), "U8": (torch.uint8, np.uint8),
    "BOOL": (torch.bool, np.bool_),
}
_NAMES = {torch_dtype: name for name, (torch_dtype, _) in _DTYPES.items()}
MAX_HEADER_BYTES = 100 * 1024 * 1024


def load(path):
    """name -> torch tensor. Refuses a header that is not what the format says, naming the file."""
    with open(path, "rb") as f:
        raw = f.read(8)
        if len(raw) != 8:
            raise ValueError(f"{path}: too short to be a safetensors file")
        (length,) = struct.unpack("<Q", raw)
        if length > MAX_HEADER_BYTES:
            raise ValueError(f"{path}: header of {length} bytes is larger than {MAX_HEADER_BYTES}")
        header = json.loads(f.read(length))
        data = f.read()
    tensors = {}
    for name, entry in header.items():
        if name == "__metadata__":
            continue
        dtype = entry["dtype"]
        if dtype not in _DTYPES:
            raise ValueError(f"{path}: tensor '{name}' has unsupported dtype {dtype}")
        begin, end = entry["data_offsets"]
        if not 0 <= begin <= end <= len(data):
            raise ValueError(f"{path}: tensor '{name}' lies outside the file")
        torch_dtype, _ = _DTYPES[dtype]
        buffer = bytearray(data[begin:end])
        tensor = torch.frombuffer(buffer, dtype=torch_dtype) if end > begin else torch.empty(0, dtype=torch_dtype)
        tensors[name] = tensor.reshape(entry["shape"])
    return tensors


def save(tensors, path, metadata=None):
    """Writes name -> tensor in the safetensors layout (tensors sorted by name, as the reference writer does)."""
    header, chunks, offset = {}, [], 0
    for name in sorted(tensors):
        t = tensors[name].detach().contiguous().cpu()
        blob = t.reshape(-1).view(torch.uint8).numpy().tobytes() if t.numel() else b""  # reshape: 0-d tensors (logit_scale) cannot be viewed as bytes
        header[name] = {"dtype": _NAMES[t.dtype], "shape": list(t.shape), "data_offsets": [offset, offset + len(blob)]}
        chunks.append(blob)
        offset += len(blob)
    if metadata:
        header["__metadata__"] = {str(k): str(v) for k, v in metadata.items()}
    encoded = json.dumps(header, separators=(",", ":")).encode()
    encoded += b" " * (-len(encoded) % 8)
    with open(path, "wb") as f:
        f.write(struct.pack("<Q", len(encoded)))
        f.write(encoded)
        for blob in chunks:
            f.write(blob)
