#!/usr/bin/env python3
"""Minimal MongoDB wire-protocol check: send OP_MSG {ping: 1, $db: "admin"}
and exit 0 if the reply has ok: 1. No driver needed (stdlib only).

usage: mongo-ping.py HOST PORT
"""
import socket
import struct
import sys


def bson_ping() -> bytes:
    body = b"\x10ping\x00" + struct.pack("<i", 1)
    db = b"admin\x00"
    body += b"\x02$db\x00" + struct.pack("<i", len(db)) + db
    return struct.pack("<i", 4 + len(body) + 1) + body + b"\x00"


def recv_exact(sock: socket.socket, n: int) -> bytes:
    buf = b""
    while len(buf) < n:
        chunk = sock.recv(n - len(buf))
        if not chunk:
            raise EOFError("connection closed")
        buf += chunk
    return buf


def main() -> int:
    host, port = sys.argv[1], int(sys.argv[2])
    payload = struct.pack("<I", 0) + b"\x00" + bson_ping()  # flags, section kind 0
    header = struct.pack("<iiii", 16 + len(payload), 1, 0, 2013)  # OP_MSG
    with socket.create_connection((host, port), timeout=3) as s:
        s.sendall(header + payload)
        length, _, _, opcode = struct.unpack("<iiii", recv_exact(s, 16))
        reply = recv_exact(s, length - 16)
    if opcode != 2013:
        print(f"unexpected opcode {opcode}", file=sys.stderr)
        return 1
    doc = reply[5:]
    ok_double = b"\x01ok\x00" + struct.pack("<d", 1.0)
    ok_int = b"\x10ok\x00" + struct.pack("<i", 1)
    if ok_double in doc or ok_int in doc:
        return 0
    print(f"ping not ok: {doc!r}", file=sys.stderr)
    return 1


if __name__ == "__main__":
    try:
        sys.exit(main())
    except (OSError, EOFError, struct.error) as e:
        print(f"ping failed: {e}", file=sys.stderr)
        sys.exit(1)
