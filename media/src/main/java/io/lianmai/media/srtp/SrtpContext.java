package io.lianmai.media.srtp;

/**
 * The SRTP cryptographic context of one direction of one session (RFC 3711 §3.2): protects outgoing or
 * unprotects incoming RTP and RTCP packets in place, keeping per-SSRC rollover counters, SRTCP indices and
 * replay windows.
 *
 * <h2>Buffers</h2>
 * Every method works on {@code buf[off, off + len)} and returns the new length, or a negative
 * {@link SrtpError#code()} — never an exception, whatever the bytes. Protecting appends the tag (and for SRTCP
 * the index word), so the caller leaves {@link SrtpProfile#maxOverhead()} bytes of tailroom after the packet;
 * unprotecting shrinks the packet. A refused packet may have been left unchanged or not; drop it. Each refusal
 * is counted by reason ({@link #errorCount}).
 *
 * <h2>Threads</h2>
 * Confined: one thread at a time (typically the event loop of the session's transport) calls the packet methods;
 * handing a context to another thread needs a happens-before edge (e.g. an executor hand-off). The counters may be
 * read from any thread and may lag.
 *
 * <h2>Cost</h2>
 * Steady state allocates nothing and logs nothing: the session keys and scratch arrays are made at creation, a
 * stream's state when its SSRC first appears.
 */
public final class SrtpContext {
    private static final int RTP_HEADER = 12;
    private static final int RTCP_HEADER = 8;

    private final SrtpProfile profile;
    private final SrtpConfig config;
    private final SrtpTransform transform;
    private final SrtpStreamTable streams;

    private final long[] errors = new long[SrtpError.values().length];
    private long rtpProtected;
    private long rtpUnprotected;
    /** What {@link #locateRtp} found for the packet being read (on the context's one thread). */
    private int foundHeaderLength;
    private int foundSsrc;
    private SrtpStream foundStream;
    private long foundIndex;
    private long rtcpProtected;
    private long rtcpUnprotected;

    private SrtpContext(SrtpProfile profile, SrtpConfig config, SrtpTransform transform) {
        this.profile = profile;
        this.config = config;
        this.transform = transform;
        this.streams = new SrtpStreamTable(config.maxStreams());
    }

    /** A context keyed by {@code key} with the default limits. */
    public static SrtpContext create(SrtpMasterKey key) {
        return create(key, SrtpConfig.DEFAULT);
    }

    /** A context keyed by {@code key}: derives the session keys (RFC 3711 §4.3) now, once. */
    public static SrtpContext create(SrtpMasterKey key, SrtpConfig config) {
        return new SrtpContext(key.profile(), config, SrtpTransform.create(key));
    }

    /** A context over session keys given directly (test vectors give those, not master keys). */
    static SrtpContext withTransform(SrtpProfile profile, SrtpTransform transform) {
        return new SrtpContext(profile, SrtpConfig.DEFAULT, transform);
    }

    public SrtpProfile profile() {
        return profile;
    }

    /**
     * Encrypts and authenticates the RTP packet {@code buf[off, off + len)} in place (RFC 3711 §3.3).
     *
     * @return the SRTP length ({@code len + profile().rtpOverhead()}), or a negative {@link SrtpError#code()}
     */
    public int protectRtp(byte[] buf, int off, int len) {
        if (!inBounds(buf, off, len) || buf.length - off - len < transform.rtpOverhead()) {
            return fail(SrtpError.BAD_BUFFER);
        }
        int headerLength = rtpHeaderLength(buf, off, len);
        if (headerLength < 0) {
            return fail(headerLength);
        }
        int ssrc = readInt(buf, off + 8);
        SrtpStream stream = streams.get(ssrc);
        if (stream == null) {
            stream = streams.add(ssrc);
            if (stream == null) {
                return fail(SrtpError.TOO_MANY_STREAMS);
            }
        }
        long index = SrtpStream.estimateIndex(stream.sentIndex, readShort(buf, off + 2));
        if (index < 0) {
            // A packet "before" the first one sent: it can only have been sent with ROC 0.
            index &= 0xFFFF;
        }
        if (index > SrtpStream.MAX_SRTP_INDEX) {
            return fail(SrtpError.INDEX_EXHAUSTED);
        }
        // A repeated index (a retransmission) is allowed, as libwebrtc allows it: same index, same plaintext.
        if (index > stream.sentIndex) {
            stream.sentIndex = index;
        }
        int result = transform.protectRtp(buf, off, headerLength, len, ssrc, index);
        rtpProtected++;
        return result;
    }

    /**
     * <b>For load generators only, never for untrusted input:</b> decrypts only the first {@code head} and the last
     * {@code tail} bytes of the SRTP packet's payload in place, without authenticating it or checking replays (the
     * rest of the payload stays encrypted), and tracks its SSRC's rollover counter. A simulated player that reads
     * only headers, a codec descriptor and a stamp at the end costs its machine a fraction of a full unprotect, so that
     * a generator on one core can load a server on several.
     *
     * @return the RTP length, or a negative {@link SrtpError#code()} ({@link SrtpError#BAD_BUFFER} when the profile
     *     cannot decrypt a part alone: AEAD_AES_128_GCM; use {@link #unprotectRtp})
     */
    public int peekRtp(byte[] buf, int off, int len, int head, int tail) {
        int located = locateRtp(buf, off, len);
        if (located < 0) {
            return located;
        }
        int result = transform.peekRtp(buf, off, foundHeaderLength, len, foundSsrc, foundIndex, Math.max(0, head),
                Math.max(0, tail));
        if (result < 0) {
            return fail(SrtpError.BAD_BUFFER);
        }
        received(foundStream, foundSsrc, foundIndex);
        return result;
    }

    /**
     * Checks an incoming SRTP packet's bounds and header and finds its stream and index, into the {@code found*}
     * fields; returns 0, or a negative {@link SrtpError#code()} (counted).
     */
    private int locateRtp(byte[] buf, int off, int len) {
        if (!inBounds(buf, off, len)) {
            return fail(SrtpError.BAD_BUFFER);
        }
        int tag = transform.rtpOverhead();
        if (len < RTP_HEADER + tag) {
            return fail(SrtpError.TOO_SHORT);
        }
        int headerLength = rtpHeaderLength(buf, off, len - tag);
        if (headerLength < 0) {
            return fail(headerLength);
        }
        int ssrc = readInt(buf, off + 8);
        SrtpStream stream = streams.get(ssrc);
        if (stream == null && streams.size() >= config.maxStreams()) {
            return fail(SrtpError.TOO_MANY_STREAMS);
        }
        long index = SrtpStream.estimateIndex(stream == null ? -1 : stream.receivedIndex, readShort(buf, off + 2));
        if (index < 0) {
            return fail(SrtpError.TOO_OLD);
        }
        if (index > SrtpStream.MAX_SRTP_INDEX) {
            return fail(SrtpError.INDEX_EXHAUSTED);
        }
        foundHeaderLength = headerLength;
        foundSsrc = ssrc;
        foundStream = stream;
        foundIndex = index;
        return 0;
    }

    /** A packet of {@code ssrc} at {@code index} was accepted: its stream (made now if new) moves on. */
    private SrtpStream received(SrtpStream known, int ssrc, long index) {
        SrtpStream stream = known != null ? known : streams.add(ssrc);
        if (index > stream.receivedIndex) {
            stream.receivedIndex = index;
        }
        rtpUnprotected++;
        return stream;
    }

    /**
     * Authenticates, replay-checks and decrypts the SRTP packet {@code buf[off, off + len)} in place
     * (RFC 3711 §3.3); the state of its SSRC (rollover counter, replay window) moves only if it authenticates.
     *
     * @return the RTP length, or a negative {@link SrtpError#code()}
     */
    public int unprotectRtp(byte[] buf, int off, int len) {
        int located = locateRtp(buf, off, len);
        if (located < 0) {
            return located;
        }
        SrtpStream stream = foundStream;
        long index = foundIndex;
        if (stream != null && stream.rtpReplay != null) {
            int verdict = stream.rtpReplay.check(index);
            if (verdict != ReplayWindow.OK) {
                return fail(verdict == ReplayWindow.REPLAYED ? SrtpError.REPLAYED : SrtpError.TOO_OLD);
            }
        }
        int result = transform.unprotectRtp(buf, off, foundHeaderLength, len, foundSsrc, index);
        if (result < 0) {
            return fail(SrtpError.AUTH_FAILED);
        }
        stream = received(stream, foundSsrc, index);
        if (stream.rtpReplay == null) {
            stream.rtpReplay = new ReplayWindow(config.replayWindowPackets());
        }
        stream.rtpReplay.accept(index);
        return result;
    }

    /**
     * Encrypts and authenticates the (compound) RTCP packet {@code buf[off, off + len)} in place with the next
     * SRTCP index of its sender SSRC, setting the E flag (RFC 3711 §3.4).
     *
     * @return the SRTCP length ({@code len + profile().rtcpOverhead()}), or a negative {@link SrtpError#code()}
     */
    public int protectRtcp(byte[] buf, int off, int len) {
        if (!inBounds(buf, off, len) || buf.length - off - len < transform.rtcpOverhead()) {
            return fail(SrtpError.BAD_BUFFER);
        }
        if (len < RTCP_HEADER) {
            return fail(SrtpError.TOO_SHORT);
        }
        if ((buf[off] & 0xC0) != 0x80) {
            return fail(SrtpError.MALFORMED);
        }
        int ssrc = readInt(buf, off + 4);
        SrtpStream stream = streams.get(ssrc);
        if (stream == null) {
            stream = streams.add(ssrc);
            if (stream == null) {
                return fail(SrtpError.TOO_MANY_STREAMS);
            }
        }
        long index = stream.nextSrtcpIndex;
        if (index > SrtpStream.MAX_SRTCP_INDEX) {
            return fail(SrtpError.INDEX_EXHAUSTED);
        }
        stream.nextSrtcpIndex = index + 1;
        int result = transform.protectRtcp(buf, off, len, ssrc, index);
        rtcpProtected++;
        return result;
    }

    /**
     * Authenticates, replay-checks and (if its E flag is set) decrypts the SRTCP packet
     * {@code buf[off, off + len)} in place (RFC 3711 §3.4).
     *
     * @return the RTCP length, or a negative {@link SrtpError#code()}
     */
    public int unprotectRtcp(byte[] buf, int off, int len) {
        if (!inBounds(buf, off, len)) {
            return fail(SrtpError.BAD_BUFFER);
        }
        if (len < RTCP_HEADER + transform.rtcpOverhead()) {
            return fail(SrtpError.TOO_SHORT);
        }
        if ((buf[off] & 0xC0) != 0x80) {
            return fail(SrtpError.MALFORMED);
        }
        int ssrc = readInt(buf, off + 4);
        SrtpStream stream = streams.get(ssrc);
        if (stream == null && streams.size() >= config.maxStreams()) {
            return fail(SrtpError.TOO_MANY_STREAMS);
        }
        int word = readInt(buf, off + transform.srtcpIndexPosition(len));
        boolean encrypted = word < 0;
        long index = word & 0x7FFF_FFFFL;
        if (stream != null && stream.rtcpReplay != null) {
            int verdict = stream.rtcpReplay.check(index);
            if (verdict != ReplayWindow.OK) {
                return fail(verdict == ReplayWindow.REPLAYED ? SrtpError.REPLAYED : SrtpError.TOO_OLD);
            }
        }
        int result = transform.unprotectRtcp(buf, off, len, ssrc, index, encrypted);
        if (result < 0) {
            return fail(SrtpError.AUTH_FAILED);
        }
        if (stream == null) {
            stream = streams.add(ssrc);
        }
        if (stream.rtcpReplay == null) {
            stream.rtcpReplay = new ReplayWindow(config.replayWindowPackets());
        }
        stream.rtcpReplay.accept(index);
        rtcpUnprotected++;
        return result;
    }

    /** Forgets the state of {@code ssrc} (e.g. the stream ended); true if there was any. */
    public boolean removeStream(int ssrc) {
        return streams.remove(ssrc);
    }

    /** How many SSRCs this context keeps state for. */
    public int streamCount() {
        return streams.size();
    }

    /** Packets refused for {@code reason} since creation. */
    public long errorCount(SrtpError reason) {
        return errors[reason.ordinal()];
    }

    /** RTP packets protected since creation. */
    public long rtpProtectedCount() {
        return rtpProtected;
    }

    /** SRTP packets accepted since creation. */
    public long rtpUnprotectedCount() {
        return rtpUnprotected;
    }

    /** RTCP packets protected since creation. */
    public long rtcpProtectedCount() {
        return rtcpProtected;
    }

    /** SRTCP packets accepted since creation. */
    public long rtcpUnprotectedCount() {
        return rtcpUnprotected;
    }

    /** The rollover counter of the newest packet received from {@code ssrc}, or -1. For tests. */
    long receivedRolloverCounter(int ssrc) {
        SrtpStream stream = streams.get(ssrc);
        return stream == null || stream.receivedIndex < 0 ? -1 : stream.receivedIndex >>> 16;
    }

    /**
     * The RTP header length (RFC 3550 §5.1: fixed part, CSRCs, extension) of the packet at {@code off}, checked
     * against {@code limit} bytes, or a negative {@link SrtpError#code()}.
     */
    private static int rtpHeaderLength(byte[] buf, int off, int limit) {
        if (limit < RTP_HEADER) {
            return SrtpError.TOO_SHORT.code();
        }
        int first = buf[off];
        if ((first & 0xC0) != 0x80) {
            return SrtpError.MALFORMED.code();
        }
        int length = RTP_HEADER + 4 * (first & 0x0F);
        if ((first & 0x10) != 0) {
            if (length + 4 > limit) {
                return SrtpError.MALFORMED.code();
            }
            length += 4 + 4 * readShort(buf, off + length + 2);
        }
        return length <= limit ? length : SrtpError.MALFORMED.code();
    }

    private static boolean inBounds(byte[] buf, int off, int len) {
        return buf != null && off >= 0 && len >= 0 && len <= buf.length - off;
    }

    private int fail(SrtpError reason) {
        errors[reason.ordinal()]++;
        return reason.code();
    }

    private int fail(int code) {
        return fail(SrtpError.ofCode(code));
    }

    private static int readShort(byte[] buf, int at) {
        return ((buf[at] & 0xFF) << 8) | (buf[at + 1] & 0xFF);
    }

    private static int readInt(byte[] buf, int at) {
        return (int) SrtpTransform.INT_BE.get(buf, at);
    }
}
