"""Model families: one module per family, each turning that family's published checkpoint layout into an
EdgeRuntime model package (format 2, docs/model-package-format-2.md).

A family module defines:
  FAMILIES: dict[str, Family]   the family ids it serves (for example {"uni": ..., "uni2": ...})
Modules are discovered by file name, so adding a family never edits a shared list.
"""
import importlib
import pkgutil


def discover():
    """Every family id -> its Family object, from every module of this package."""
    found = {}
    for info in pkgutil.iter_modules(__path__):
        if info.name.startswith("_") or info.name in ("package", "safetensors_io"):
            continue
        module = importlib.import_module(f"{__name__}.{info.name}")
        for family_id, family in getattr(module, "FAMILIES", {}).items():
            if family_id in found:
                raise RuntimeError(f"family '{family_id}' is defined twice ({module.__name__})")
            found[family_id] = family
    return found
