#!/usr/bin/env python3
"""Records what a real RTMP publisher sends: the seed captures of the ingest fuzz targets.

Listens on 127.0.0.1, answers the simple handshake and just enough commands (connect, createStream, publish) for
the client to start sending media, and writes the client's bytes to two files:
  <out>-handshake.bin  C0 C1 C2 and the first chunk stream bytes (the handshake target's seed),
  <out>-chunks.bin     the chunk stream after C2, cut at --max-bytes (the chunk and AMF/FLV targets' seed).
Usage: capture_rtmp_publish.py OUT_PREFIX [--port 19350] [--max-bytes 24576]
then, e.g.: ffmpeg -re -f lavfi -i testsrc2=size=160x120:rate=15 ... -f flv rtmp://127.0.0.1:19350/live/fuzz
"""
import argparse
import os
import socket
import struct

HANDSHAKE_PACKET = 1536


def amf_string(s):
    b = s.encode()
    return b"\x02" + struct.pack(">H", len(b)) + b


def amf_number(n):
    return b"\x00" + struct.pack(">d", n)


def amf_object(pairs):
    out = b"\x03"
    for k, v in pairs:
        kb = k.encode()
        out += struct.pack(">H", len(kb)) + kb + v
    return out + b"\x00\x00\x09"


def read_amf_head(payload):
    """Command name and transaction id of an AMF0 command message."""
    if payload[:1] != b"\x02":
        return None, 0
    n = struct.unpack(">H", payload[1:3])[0]
    name = payload[3:3 + n].decode(errors="replace")
    rest = payload[3 + n:]
    txn = struct.unpack(">d", rest[1:9])[0] if rest[:1] == b"\x00" else 0
    return name, txn


def chunk(csid, type_id, stream_id, payload):
    """One fmt 0 message with the default 128-byte chunk size."""
    out = bytes([csid]) + b"\x00\x00\x00" + struct.pack(">I", len(payload))[1:] + bytes([type_id])
    out += struct.pack("<I", stream_id)
    for i in range(0, len(payload), 128):
        if i:
            out += bytes([0xC0 | csid])
        out += payload[i:i + 128]
    return out


class Demuxer:
    """Just enough of RTMP 5.3 to see the client's messages: fmt 0-3 headers, Set Chunk Size."""

    def __init__(self):
        self.buf = b""
        self.chunk_size = 128
        self.streams = {}

    def feed(self, data):
        self.buf += data
        messages = []
        while True:
            m = self._one()
            if m is None:
                return messages
            if m is not True:
                messages.append(m)

    def _one(self):
        b = self.buf
        if not b:
            return None
        fmt, csid, pos = b[0] >> 6, b[0] & 0x3F, 1
        if csid == 0:
            if len(b) < 2:
                return None
            csid, pos = 64 + b[1], 2
        elif csid == 1:
            if len(b) < 3:
                return None
            csid, pos = 64 + b[1] + 256 * b[2], 3
        st = self.streams.setdefault(csid, {"len": 0, "type": 0, "sid": 0, "data": b"", "ext": False})
        hlen = (11, 7, 3, 0)[fmt]
        if len(b) < pos + hlen:
            return None
        h = b[pos:pos + hlen]
        ts = int.from_bytes(h[0:3], "big") if hlen else 0
        ext = st["ext"] if fmt == 3 else ts == 0xFFFFFF
        total = pos + hlen + (4 if ext else 0)
        if len(b) < total:
            return None
        length, type_id, sid = st["len"], st["type"], st["sid"]
        if hlen >= 7:
            length, type_id = int.from_bytes(h[3:6], "big"), h[6]
        if hlen == 11:
            sid = struct.unpack("<I", h[7:11])[0]
        need = min(self.chunk_size, length - len(st["data"]))
        if len(b) < total + need:
            return None
        st.update(len=length, type=type_id, sid=sid, ext=ext)
        st["data"] += b[total:total + need]
        self.buf = b[total + need:]
        if len(st["data"]) < length:
            return True
        payload, st["data"] = st["data"], b""
        if type_id == 1:
            self.chunk_size = struct.unpack(">I", payload[:4])[0] & 0x7FFFFFFF
        return type_id, sid, payload


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("out")
    ap.add_argument("--port", type=int, default=19350)
    ap.add_argument("--max-bytes", type=int, default=24576)
    args = ap.parse_args()
    srv = socket.socket()
    srv.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    srv.bind(("127.0.0.1", args.port))
    srv.listen(1)
    conn, _ = srv.accept()
    handshake = b""
    while len(handshake) < 1 + HANDSHAKE_PACKET:
        handshake += conn.recv(65536)
    c1 = handshake[1:1 + HANDSHAKE_PACKET]
    conn.sendall(b"\x03" + b"\x00" * 8 + os.urandom(HANDSHAKE_PACKET - 8) + c1)
    while len(handshake) < 1 + 2 * HANDSHAKE_PACKET:
        handshake += conn.recv(65536)
    chunks = handshake[1 + 2 * HANDSHAKE_PACKET:]
    handshake = handshake[:1 + 2 * HANDSHAKE_PACKET]
    demux = Demuxer()
    pending = chunks
    while len(chunks) < args.max_bytes:
        for type_id, sid, payload in demux.feed(pending):
            if type_id != 20:
                continue
            name, txn = read_amf_head(payload)
            if name == "connect":
                conn.sendall(chunk(2, 5, 0, struct.pack(">I", 2500000)) +
                             chunk(2, 6, 0, struct.pack(">IB", 2500000, 2)) +
                             chunk(3, 20, 0, amf_string("_result") + amf_number(txn) +
                                   amf_object([("fmsVer", amf_string("FMS/3,0,1,123"))]) +
                                   amf_object([("level", amf_string("status")),
                                               ("code", amf_string("NetConnection.Connect.Success"))])))
            elif name == "createStream":
                conn.sendall(chunk(3, 20, 0, amf_string("_result") + amf_number(txn) + b"\x05" + amf_number(1)))
            elif name == "publish":
                conn.sendall(chunk(5, 20, 1, amf_string("onStatus") + amf_number(0) + b"\x05" +
                                   amf_object([("level", amf_string("status")),
                                               ("code", amf_string("NetStream.Publish.Start"))])))
        pending = conn.recv(65536)
        if not pending:
            break
        chunks += pending
    conn.close()
    chunks = chunks[:args.max_bytes]
    with open(args.out + "-handshake.bin", "wb") as f:
        f.write(handshake + chunks[:512])
    with open(args.out + "-chunks.bin", "wb") as f:
        f.write(chunks)
    print(f"recorded {len(handshake)} handshake and {len(chunks)} chunk stream bytes")


if __name__ == "__main__":
    main()
