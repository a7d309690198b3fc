package io.ringcast.broadcast.media.amf;

/**
 * AMF0 type markers (AMF0 specification 2.1); constants only, usable from any thread.
 */
public final class Amf0Markers {
    /** IEEE 754 double, 8 bytes big-endian. */
    public static final int NUMBER = 0x00;
    /** One byte, 0 is false. */
    public static final int BOOLEAN = 0x01;
    /** UTF-8 string with a 16-bit length. */
    public static final int STRING = 0x02;
    /** Key/value pairs ended by an empty key and {@link #OBJECT_END}. */
    public static final int OBJECT = 0x03;
    /** Reserved, not supported. */
    public static final int MOVIECLIP = 0x04;
    /** Null value. */
    public static final int NULL = 0x05;
    /** Undefined value. */
    public static final int UNDEFINED = 0x06;
    /** 16-bit index of an earlier complex value. */
    public static final int REFERENCE = 0x07;
    /** 32-bit associative count, then object-like pairs ended by {@link #OBJECT_END}. */
    public static final int ECMA_ARRAY = 0x08;
    /** Ends an object, ECMA array or typed object, after an empty key. */
    public static final int OBJECT_END = 0x09;
    /** 32-bit count, then that many values. */
    public static final int STRICT_ARRAY = 0x0A;
    /** Double milliseconds since the epoch, then a 16-bit time zone (reserved, 0). */
    public static final int DATE = 0x0B;
    /** UTF-8 string with a 32-bit length. */
    public static final int LONG_STRING = 0x0C;
    /** Unsupported value marker. */
    public static final int UNSUPPORTED = 0x0D;
    /** Reserved, not supported. */
    public static final int RECORDSET = 0x0E;
    /** XML document as a long string. */
    public static final int XML_DOCUMENT = 0x0F;
    /** Class name string, then object-like pairs. */
    public static final int TYPED_OBJECT = 0x10;
    /** Switch to AMF3, not supported in AMF0 messages. */
    public static final int AVMPLUS_OBJECT = 0x11;

    private Amf0Markers() {
    }
}
