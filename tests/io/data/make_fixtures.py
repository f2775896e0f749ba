#!/usr/bin/python3
"""Generates the io test fixtures. Run from this folder with Debian's numpy:
    apt-get install python3-numpy && /usr/bin/python3 make_fixtures.py
Values are simple closed forms so that the C++ tests can recompute them independently."""
import numpy as np

def save(name, arr, version=None):
    with open(name, "wb") as f:
        np.lib.format.write_array(f, arr, version=version, allow_pickle=False)

a = (np.arange(12, dtype="<f8").reshape(3, 4) * 1.5 - 2.0)           # a[i,j] = 1.5*(4i+j) - 2
save("f8_c.npy", a)
save("f8_fortran.npy", np.asfortranarray(a))
save("f8_be.npy", a.astype(">f8"))
save("i2_be_3d.npy", (np.arange(24).reshape(2, 3, 4) - 7).astype(">i2"))  # x[i,j,k] = 12i+4j+k-7
save("i4_1d.npy", np.arange(5, dtype="<i4") * -3)                     # x[i] = -3i
save("u1_scalar.npy", np.array(200, dtype="u1"))
save("b1.npy", np.array([True, False, True]))
save("f4_fortran_3d.npy", np.asfortranarray(np.arange(24, dtype="<f4").reshape(2, 3, 4) / 4))
save("f8_v2.npy", a, version=(2, 0))
save("f8_v3.npy", a, version=(3, 0))
save("f4_nan.npy", np.array([[1, 2], [3, np.nan]], dtype="<f4"))       # NaN at row 2, column 2
save("f8_inf.npy", np.array([0.0, np.inf]))
save("u8_big.npy", np.array([1, 2**60], dtype="<u8"))
save("c16.npy", np.zeros(2, dtype="<c16"))
save("trace.npy", np.array([0.0, 0.5, 0.5, 2.25]))
save("trace_decreasing.npy", np.array([0.0, 11.0, 10.5]))

good = open("f8_c.npy", "rb").read()
open("bad_magic.npy", "wb").write(b"\x93NUMPZ" + good[6:])
open("bad_version.npy", "wb").write(good[:6] + b"\x04\x00" + good[8:])
open("short_payload.npy", "wb").write(good[:-8])
open("long_payload.npy", "wb").write(good + b"\0" * 8)

def raw(name, header):
    header = header + " " * ((64 - (10 + len(header) + 1) % 64) % 64) + "\n"
    open(name, "wb").write(b"\x93NUMPY\x01\x00" + len(header).to_bytes(2, "little") + header.encode() + b"\0" * 8)
raw("no_descr.npy", "{'fortran_order': False, 'shape': (1,), }")
raw("no_shape.npy", "{'descr': '<f8', 'fortran_order': False, }")

open("good.csv", "w").write("# comment line\ntime,\"lat, ms\",n\n0,1.5,3\n0.25,-2e-3,4\n\n1e3,5e-324,-0\n")
open("ragged.csv", "w").write("a,b,c,d\n1,2,3,4\n1,2,3\n")
open("nonnumeric.csv", "w").write("a,b,latency\n1,2,fast\n")
open("empty_cell.csv", "w").write("a,b\n1,\n")
open("nan.csv", "w").write("a,b,latency\n1,2,3\n1,2,nan\n")
open("inf.csv", "w").write("a,b\n1,-inf\n")
open("unterminated.csv", "w").write("a,b\n1,\"2\n")
open("trace.csv", "w").write("id,time\n0,0\n1,0.5\n2,0.5\n3,2.25\n")
open("trace_decreasing.csv", "w").write("time\n0\n11\n10.5\n")
open("trace_negative.csv", "w").write("time\n-1\n")
