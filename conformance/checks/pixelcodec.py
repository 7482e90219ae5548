"""Decoding pixel data for comparisons, with whatever decoders this installation has.

A missing decoder is never a finding: callers get None and say the pixels were not compared.
"""

from __future__ import annotations

import numpy as np
from pydicom import Dataset

# Decoders of lossy JPEG differ in rounding; a whole image that is the same picture stays within this.
LOSSY_MAX_ERROR = 8
LOSSY_MEAN_ERROR = 1.5


def decode_pixels(ds: Dataset, transfer_syntax: str) -> bytes | None:
    """The Pixel Data of `ds` decoded to native little-endian bytes, or None when no decoder can."""
    try:
        meta = getattr(ds, "file_meta", None)
        if meta is None or str(meta.get("TransferSyntaxUID", "")) != transfer_syntax:
            return None
        array = ds.pixel_array
    except Exception:  # no plugin, damaged stream: the caller notes it
        return None
    if int(ds.get("BitsAllocated", 8)) == 1:
        return np.packbits(array.astype(np.uint8).ravel(), bitorder="little").tobytes()
    return array.astype(array.dtype.newbyteorder("<")).tobytes()


def lossy_close(a: bytes, b: bytes, bits_allocated: int = 8) -> bool:
    """Two decodings of one lossy image: same size, small differences everywhere."""
    if len(a) != len(b) or not a:
        return False
    dtype = np.uint8 if bits_allocated <= 8 else np.dtype("<u2")
    x = np.frombuffer(a, dtype).astype(np.int32)
    y = np.frombuffer(b, dtype).astype(np.int32)
    diff = np.abs(x - y)
    return int(diff.max()) <= LOSSY_MAX_ERROR and float(diff.mean()) <= LOSSY_MEAN_ERROR


def decode_frame(template: Dataset, stream: bytes, transfer_syntax: str) -> bytes | None:
    """One compressed frame decoded with the pixel description of `template`, or None."""
    from pydicom.dataset import FileMetaDataset
    from pydicom.encaps import encapsulate

    ds = Dataset()
    for keyword in ("Rows", "Columns", "SamplesPerPixel", "BitsAllocated", "BitsStored", "HighBit",
                    "PixelRepresentation", "PhotometricInterpretation", "PlanarConfiguration"):
        if keyword in template:
            setattr(ds, keyword, template.data_element(keyword).value)  # type: ignore[union-attr]
    ds.NumberOfFrames = 1
    ds.file_meta = FileMetaDataset()
    ds.file_meta.TransferSyntaxUID = transfer_syntax
    ds.PixelData = encapsulate([stream + b"\0" * (len(stream) % 2)])
    return decode_pixels(ds, transfer_syntax)
