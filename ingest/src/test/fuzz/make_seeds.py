#!/usr/bin/env python3
"""Writes the seed corpora of the RTMP fuzz targets (src/test/resources/io/ringcast/ingest/fuzz/*Inputs/) and of the
media-format targets beside their parsers in broadcast (broadcast/src/test/resources/io/ringcast/broadcast/fuzz/).

Sources, all real or built from the specification:
  ffmpeg-testsrc-*.bin   a real ffmpeg 5.1 publishing session recorded by capture_rtmp_publish.py (handshake, then
                         connect, releaseStream, FCPublish, createStream, publish, @setDataFrame, AVC and AAC
                         sequence headers and the first frames, 128-byte chunks);
  an OBS-style session   built here from the RTMP/AMF0/FLV specifications: Flash Player digest handshake (as
                         librtmp does it), Set Chunk Size 4096 first, connect with FMLE flashVer, releaseStream,
                         FCPublish, createStream, publish "live", @setDataFrame onMetaData with OBS's keys, and the
                         ffmpeg capture's media with fmt 1/2/3 headers and one extended timestamp;
  broadcast/src/test/resources/io/ringcast/broadcast/media/flv/*.flv  real ffmpeg FLV files: their tag bodies
                         seed the FLV tag targets.
Usage: make_seeds.py CAPTURE_PREFIX   (e.g. /tmp/cap/ffmpeg-testsrc)
"""
import hashlib
import hmac
import os
import random
import struct
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from capture_rtmp_publish import Demuxer, amf_number, amf_object, amf_string  # noqa: E402

HERE = os.path.dirname(os.path.abspath(__file__))
RES = os.path.join(HERE, "..", "resources", "io", "ringcast", "ingest")
FUZZ = os.path.join(RES, "fuzz")
BROADCAST_RES = os.path.join(HERE, "..", "..", "..", "..", "broadcast", "src", "test", "resources", "io", "ringcast",
                             "broadcast")
MEDIA_FUZZ = os.path.join(BROADCAST_RES, "fuzz")
FLV_FILES = os.path.join(BROADCAST_RES, "media", "flv")
MEDIA_TARGETS = ("Amf0FuzzTest", "VideoTagFuzzTest", "AudioTagFuzzTest")
FLASH_PLAYER_KEY = b"Genuine Adobe Flash Player 001"


def write(target, method, name, data):
    d = os.path.join(MEDIA_FUZZ if target in MEDIA_TARGETS else FUZZ, target + "Inputs", method)
    os.makedirs(d, exist_ok=True)
    with open(os.path.join(d, name), "wb") as f:
        f.write(data)


def digest_c0c1():
    """C0 + C1 of a Flash Player 9+ client (librtmp/OBS): non-zero version, scheme 0 digest."""
    rnd = random.Random(1935)
    c1 = bytearray(rnd.getrandbits(8) for _ in range(1536))
    c1[0:4] = b"\x00\x00\x00\x00"
    c1[4:8] = bytes([9, 0, 124, 2])  # Flash Player 9.0.124.2, as librtmp sends
    offset = 8 + 4 + sum(c1[8:12]) % 728
    message = bytes(c1[:offset]) + bytes(c1[offset + 32:])
    c1[offset:offset + 32] = hmac.new(FLASH_PLAYER_KEY, message, hashlib.sha256).digest()
    return b"\x03" + bytes(c1)


def chunks(csid, fmt, type_id, stream_id, payload, chunk_size, timestamp):
    """One message as chunks: fmt 0/1/2 first header, fmt 3 continuations (extended timestamp when needed)."""
    ext = timestamp >= 0xFFFFFF
    ts_field = struct.pack(">I", 0xFFFFFF if ext else timestamp)[1:]
    basic = bytes([(fmt << 6) | csid])
    if fmt == 0:
        header = ts_field + struct.pack(">I", len(payload))[1:] + bytes([type_id]) + struct.pack("<I", stream_id)
    elif fmt == 1:
        header = ts_field + struct.pack(">I", len(payload))[1:] + bytes([type_id])
    elif fmt == 2:
        header = ts_field
    else:
        header = b""
    ext_field = struct.pack(">I", timestamp) if ext else b""
    out = basic + header + ext_field
    for i in range(0, max(len(payload), 1), chunk_size):
        if i:
            out += bytes([0xC0 | csid]) + ext_field
        out += payload[i:i + chunk_size]
    return out


def obs_session(media):
    cs = 4096
    out = chunks(2, 0, 1, 0, struct.pack(">I", cs), 128, 0)
    connect = amf_string("connect") + amf_number(1) + amf_object([
        ("app", amf_string("live")), ("type", amf_string("nonprivate")),
        ("flashVer", amf_string("FMLE/3.0 (compatible; FMSc/1.0)")),
        ("swfUrl", amf_string("rtmp://127.0.0.1/live")), ("tcUrl", amf_string("rtmp://127.0.0.1/live"))])
    out += chunks(3, 0, 20, 0, connect, cs, 0)
    out += chunks(3, 1, 20, 0, amf_string("releaseStream") + amf_number(2) + b"\x05" + amf_string("obs"), cs, 0)
    out += chunks(3, 1, 20, 0, amf_string("FCPublish") + amf_number(3) + b"\x05" + amf_string("obs"), cs, 0)
    out += chunks(3, 1, 20, 0, amf_string("createStream") + amf_number(4) + b"\x05", cs, 0)
    out += chunks(4, 0, 20, 1, amf_string("publish") + amf_number(5) + b"\x05" + amf_string("obs") +
                  amf_string("live"), cs, 0)
    meta = [("duration", amf_number(0)), ("fileSize", amf_number(0)), ("width", amf_number(160)),
            ("height", amf_number(120)), ("videocodecid", amf_number(7)), ("videodatarate", amf_number(2500)),
            ("framerate", amf_number(15)), ("audiocodecid", amf_number(10)), ("audiodatarate", amf_number(160)),
            ("audiosamplerate", amf_number(44100)), ("audiosamplesize", amf_number(16)),
            ("audiochannels", amf_number(2)), ("stereo", b"\x01\x01"), ("2.1", b"\x01\x00"),
            ("3.1", b"\x01\x00"), ("4.0", b"\x01\x00"), ("4.1", b"\x01\x00"), ("5.1", b"\x01\x00"),
            ("7.1", b"\x01\x00"), ("encoder", amf_string("obs-output module (libobs version 30.0.2)"))]
    ecma = b"\x08" + struct.pack(">I", len(meta)) + amf_object(meta)[1:]
    out += chunks(4, 0, 18, 1, amf_string("@setDataFrame") + amf_string("onMetaData") + ecma, cs, 0)
    video_first = audio_first = True
    ts = 0
    for n, (type_id, payload) in enumerate(media):
        ts += 33 if type_id == 9 else 23
        csid = 6 if type_id == 9 else 4
        first = video_first if type_id == 9 else audio_first
        stamp = ts if n < len(media) - 2 else 0x1000000 + ts  # the last two carry an extended timestamp
        out += chunks(csid, 0 if first else 1, type_id, 1, payload, cs, stamp if first else (
            stamp if stamp >= 0xFFFFFF else 33))
        if type_id == 9:
            video_first = False
        else:
            audio_first = False
    return out


def flv_tags(path):
    with open(path, "rb") as f:
        data = f.read()
    pos = struct.unpack(">I", data[5:9])[0] + 4
    while pos + 11 <= len(data):
        tag_type = data[pos] & 0x1F
        size = int.from_bytes(data[pos + 1:pos + 4], "big")
        yield tag_type, data[pos + 11:pos + 11 + size]
        pos += 11 + size + 4


def main():
    prefix = sys.argv[1]
    with open(prefix + "-handshake.bin", "rb") as f:
        ffmpeg_handshake = f.read()
    with open(prefix + "-chunks.bin", "rb") as f:
        ffmpeg_chunks = f.read()
    messages = Demuxer().feed(ffmpeg_chunks)
    media = [(t, p) for t, _, p in messages if t in (8, 9)][:12]
    obs = obs_session(media)

    write("HandshakeFuzzTest", "respondsOrRejectsVersion", "ffmpeg-digest-handshake.bin", ffmpeg_handshake)
    # the same C1 with a zero version field: a pre-FP9 client, answered with the simple handshake (S2 echoes C1)
    write("HandshakeFuzzTest", "respondsOrRejectsVersion", "simple-handshake-zero-version.bin",
          ffmpeg_handshake[:5] + bytes(4) + ffmpeg_handshake[9:])
    write("HandshakeFuzzTest", "respondsOrRejectsVersion", "obs-digest-handshake.bin",
          digest_c0c1() + bytes(1536) + obs[:256])

    write("ChunkStreamFuzzTest", "decodesAnySplit", "ffmpeg-publish-session.bin", ffmpeg_chunks)
    write("ChunkStreamFuzzTest", "decodesAnySplit", "obs-style-publish-session.bin", obs)

    for i, (t, _, p) in enumerate(m for m in messages if m[0] in (18, 20)):
        write("Amf0FuzzTest", "readsOrRejects", "ffmpeg-%02d-type%d.bin" % (i, t), p)
    for i, (t, _, p) in enumerate(m for m in Demuxer().feed(obs) if m[0] in (18, 20)):
        write("Amf0FuzzTest", "readsOrRejects", "obs-%02d-type%d.bin" % (i, t), p)

    seen = set()
    for name in sorted(os.listdir(FLV_FILES)):
        if not name.endswith(".flv"):
            continue
        for i, (t, body) in enumerate(flv_tags(os.path.join(FLV_FILES, name))):
            if t == 9 and len(body) > 1 and body[1] == 0 or (t == 9 and i < 6 and len(body) < 4096):
                target, method = "VideoTagFuzzTest", "parsesOrRejects"
            elif t == 8 and (len(body) > 1 and body[1] == 0 or i < 8):
                target, method = "AudioTagFuzzTest", "parsesOrRejects"
            else:
                continue
            key = (target, body[:64])
            if key in seen:
                continue
            seen.add(key)
            write(target, method, "%s-tag%02d.bin" % (name[:-4], i), body)
    for i, (t, p) in enumerate(media[:8]):
        if t == 9 and len(p) < 4096:
            write("VideoTagFuzzTest", "parsesOrRejects", "ffmpeg-rtmp-video-%02d.bin" % i, p)
        elif t == 8:
            write("AudioTagFuzzTest", "parsesOrRejects", "ffmpeg-rtmp-audio-%02d.bin" % i, p)


if __name__ == "__main__":
    main()
