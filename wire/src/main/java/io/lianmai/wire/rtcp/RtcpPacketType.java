package io.lianmai.wire.rtcp;

/** RTCP packet type numbers (the PT field), as {@code int} constants for switching on the packet path. */
public final class RtcpPacketType {
    /** Sender report, RFC 3550 §6.4.1. */
    public static final int SR = 200;
    /** Receiver report, RFC 3550 §6.4.2. */
    public static final int RR = 201;
    /** Source description, RFC 3550 §6.5. */
    public static final int SDES = 202;
    /** Goodbye, RFC 3550 §6.6. */
    public static final int BYE = 203;
    /** Application-defined, RFC 3550 §6.7. */
    public static final int APP = 204;
    /** Transport layer feedback, RFC 4585 §6.2 (FMT 1 generic NACK, FMT 15 transport-cc). */
    public static final int RTPFB = 205;
    /** Payload-specific feedback, RFC 4585 §6.3 (FMT 1 PLI, FMT 4 FIR, FMT 15 application layer, e.g. REMB). */
    public static final int PSFB = 206;
    /** Extended report, RFC 3611. */
    public static final int XR = 207;

    private RtcpPacketType() {
    }
}
