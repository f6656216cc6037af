package io.lianmai.codec.rtp;

import io.lianmai.wire.rtp.RtpPacket;
import io.lianmai.wire.rtp.RtpSequenceTracker;

/**
 * The front end every depacketizer of this module shares: it parses the RTP header ({@link RtpPacket}), follows the
 * sequence numbers ({@link RtpSequenceTracker}: late and duplicate packets are ignored and counted, a gap damages what
 * is being reassembled), skips padding-only packets, and keeps the keyframe wait: after a loss, and at the start of a
 * stream, everything is dropped until a complete keyframe, and the sender is asked for one once per episode. A
 * subclass reassembles the payload format's frames in {@link #onPayload} and decides what a keyframe is.
 *
 * <p>Packets must come in sequence order (after a reorder/NACK buffer). Nothing is allocated per packet. Not
 * thread-safe: one owner thread.
 */
public abstract class RtpDepacketizer {
    private final RtpPacket rtp = new RtpPacket();
    private final RtpSequenceTracker sequence = new RtpSequenceTracker();
    private final Runnable keyframeNeeded;

    private boolean waitingForKeyframe = true;
    private boolean keyframeRequested;

    private long packets;
    private long malformedPackets;
    private long latePackets;
    private long keyframeRequests;

    /** {@code keyframeNeeded} is the listener's {@code onKeyframeNeeded}, called when a keyframe wait begins. */
    protected RtpDepacketizer(Runnable keyframeNeeded) {
        this.keyframeNeeded = keyframeNeeded;
    }

    /**
     * Takes one whole plaintext RTP packet; only reads it. A packet whose header is malformed is counted and ignored
     * (it does not count as loss).
     */
    public final void push(byte[] packet, int off, int len) {
        if (!rtp.wrap(packet, off, len)) {
            malformedPackets++;
            return;
        }
        push(rtp.sequenceNumber(), rtp.timestamp(), rtp.marker(), packet, rtp.payloadOffset(), rtp.payloadLength());
        rtp.clear();
    }

    /** Takes one packet as its header fields and payload at {@code payload[off, off + len)}; only reads it. */
    public final void push(int sequenceNumber, long timestamp, boolean marker, byte[] payload, int off, int len) {
        packets++;
        int order = sequence.accept(sequenceNumber);
        if (order == RtpSequenceTracker.OLD) {
            latePackets++;
            return;
        }
        if (order == RtpSequenceTracker.GAP) {
            onGap();
            startWaiting();
        }
        if (len == 0) {
            return; // padding only
        }
        onPayload(timestamp & 0xFFFF_FFFFL, marker, payload, off, len);
    }

    /** Packets were lost just before the current one: mark what is being reassembled as damaged. */
    protected abstract void onGap();

    /** A non-empty payload in sequence, with its unsigned 32-bit RTP timestamp; only read it. */
    protected abstract void onPayload(long timestamp, boolean marker, byte[] payload, int off, int len);

    /** Drops the frame being reassembled, as {@link #reset()} does. */
    protected abstract void forgetFrame();

    /** Counts a packet whose payload is malformed. */
    protected final void countMalformed() {
        malformedPackets++;
    }

    /** Starts (or continues) dropping until the next keyframe, asking the sender for one if not yet asked. */
    protected final void startWaiting() {
        if (!waitingForKeyframe) {
            waitingForKeyframe = true;
            keyframeRequested = false;
        }
        requestKeyframe();
    }

    /** Asks the sender for a keyframe, once per wait. */
    protected final void requestKeyframe() {
        if (!keyframeRequested) {
            keyframeRequested = true;
            keyframeRequests++;
            keyframeNeeded.run();
        }
    }

    /** A complete keyframe ends the wait. */
    protected final void endWaiting() {
        waitingForKeyframe = false;
        keyframeRequested = false;
    }

    /** Forgets the stream (as after an SSRC change): the next packet starts afresh, waiting for a keyframe. */
    public final void reset() {
        forgetFrame();
        sequence.reset();
        waitingForKeyframe = true;
        keyframeRequested = false;
    }

    /** Whether frames are being dropped until the next keyframe. */
    public final boolean isWaitingForKeyframe() {
        return waitingForKeyframe;
    }

    /** Packets pushed since creation (malformed headers excluded). */
    public final long packets() {
        return packets;
    }

    /** Packets with a malformed header or payload. */
    public final long malformedPackets() {
        return malformedPackets;
    }

    /** Packets missing from the sequence (sum of the gaps). */
    public final long lostPackets() {
        return sequence.lostPackets();
    }

    /** Duplicate or late packets ignored. */
    public final long latePackets() {
        return latePackets;
    }

    /** Times the listener's {@code onKeyframeNeeded} was called. */
    public final long keyframeRequests() {
        return keyframeRequests;
    }
}
