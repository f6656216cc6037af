package io.lianmai.codec.vp8;

import io.lianmai.codec.rtp.RtpHeader;
import io.lianmai.codec.rtp.RtpSequenceTracker;
import java.util.Arrays;

/**
 * Reassembles VP8 frames from RTP packets (RFC 7741): a frame starts at a packet with S=1 and partition index 0
 * (§4.2), its payloads after the descriptors are concatenated, and it ends at the marker bit or when a packet with a
 * new timestamp arrives. Keyframes are recognised and their picture size read from the frame header (RFC 6386 §9.1).
 *
 * <p>Loss handling: a sequence number gap, a frame that does not begin with a start packet, a malformed descriptor, a
 * keyframe with a broken header or a frame larger than the limit makes the depacketizer drop the damaged frame and
 * everything after it until a complete keyframe arrives; it calls {@link Vp8FrameListener#onKeyframeNeeded()} when it
 * starts waiting. A stream also starts in that state, so the first frame delivered is a keyframe.
 *
 * <p>Packets must come in sequence order (after a reorder/NACK buffer); a late or duplicate packet is ignored and
 * counted. Nothing is allocated per packet once the frame buffer has grown to the largest frame. Not thread-safe: one
 * owner thread.
 */
public final class Vp8RtpDepacketizer {
    /** Default largest frame: 4 MiB, far above any real-time VP8 keyframe. */
    public static final int DEFAULT_MAX_FRAME = 4 * 1024 * 1024;

    private final Vp8FrameListener listener;
    private final int maxFrame;
    private final RtpSequenceTracker sequence = new RtpSequenceTracker();

    private byte[] frame = new byte[64 * 1024];
    private int frameLength;
    private long frameTimestamp;
    private boolean frameActive;
    private boolean frameDamaged;
    private int width;
    private int height;

    private boolean waitingForKeyframe = true;
    private boolean keyframeRequested;

    private long packets;
    private long frames;
    private long droppedFrames;
    private long malformedPackets;
    private long latePackets;
    private long keyframeRequests;

    /** A depacketizer with the default frame size limit. */
    public Vp8RtpDepacketizer(Vp8FrameListener listener) {
        this(listener, DEFAULT_MAX_FRAME);
    }

    /** A depacketizer that drops frames larger than {@code maxFrameBytes}. */
    public Vp8RtpDepacketizer(Vp8FrameListener listener, int maxFrameBytes) {
        if (maxFrameBytes < 1024) {
            throw new IllegalArgumentException("frame limit too small: " + maxFrameBytes);
        }
        this.listener = listener;
        this.maxFrame = maxFrameBytes;
    }

    /** Takes one whole plaintext RTP packet; only reads it. A malformed header is counted and ignored. */
    public void push(byte[] packet, int off, int len) {
        int payloadOffset = RtpHeader.payloadOffset(packet, off, len);
        int payloadLength = RtpHeader.payloadLength(packet, off, len, payloadOffset);
        if (payloadLength < 0) {
            malformedPackets++;
            return;
        }
        push(RtpHeader.sequenceNumber(packet, off), RtpHeader.timestamp(packet, off), RtpHeader.marker(packet, off),
                packet, off + payloadOffset, payloadLength);
    }

    /** Takes one packet as its header fields and payload at {@code payload[off, off + len)}; only reads it. */
    public void push(int sequenceNumber, long timestamp, boolean marker, byte[] payload, int off, int len) {
        packets++;
        int order = sequence.accept(sequenceNumber);
        if (order == RtpSequenceTracker.OLD) {
            latePackets++;
            return;
        }
        if (order == RtpSequenceTracker.GAP) {
            if (frameActive) {
                frameDamaged = true;
            }
            startWaiting();
        }
        if (len == 0) {
            return; // padding only
        }
        long ts = timestamp & 0xFFFF_FFFFL;
        int descriptor = Vp8PayloadDescriptor.length(payload, off, len);
        if (frameActive && ts != frameTimestamp) {
            completeFrame();
        }
        if (descriptor < 0) {
            malformedPackets++;
            if (frameActive) {
                frameDamaged = true;
            } else {
                startWaiting();
            }
        } else if (Vp8PayloadDescriptor.isStartOfFrame(payload, off)) {
            if (frameActive) {
                frameDamaged = true; // a second start within one timestamp
                completeFrame();
            }
            frameActive = true;
            frameTimestamp = ts;
            append(payload, off + descriptor, len - descriptor);
        } else if (!frameActive) {
            // the frame's start was lost; its remainder is useless
            frameActive = true;
            frameTimestamp = ts;
            frameDamaged = true;
        } else if (!frameDamaged) {
            append(payload, off + descriptor, len - descriptor);
        }
        if (marker && frameActive) {
            completeFrame();
        }
    }

    private void append(byte[] buf, int off, int len) {
        long needed = (long) frameLength + len;
        if (needed > maxFrame) {
            frameDamaged = true;
            return;
        }
        if (needed > frame.length) {
            frame = Arrays.copyOf(frame, (int) Math.min(maxFrame, Math.max(needed, 2L * frame.length)));
        }
        System.arraycopy(buf, off, frame, frameLength, len);
        frameLength += len;
    }

    private void completeFrame() {
        boolean keyframe = Vp8FrameHeader.isKeyframe(frame, 0, frameLength);
        boolean damaged = frameDamaged || frameLength < 3
                || keyframe && !Vp8FrameHeader.isValidKeyframe(frame, 0, frameLength);
        if (damaged) {
            droppedFrames++;
            startWaiting();
            resetFrame();
            return;
        }
        if (keyframe) {
            width = Vp8FrameHeader.width(frame, 0);
            height = Vp8FrameHeader.height(frame, 0);
        }
        if (waitingForKeyframe) {
            if (!keyframe) {
                droppedFrames++;
                requestKeyframe();
                resetFrame();
                return;
            }
            waitingForKeyframe = false;
            keyframeRequested = false;
        }
        frames++;
        int length = frameLength;
        long ts = frameTimestamp;
        resetFrame();
        listener.onVp8Frame(frame, 0, length, ts, keyframe, width, height);
    }

    private void resetFrame() {
        frameActive = false;
        frameDamaged = false;
        frameLength = 0;
    }

    private void startWaiting() {
        if (!waitingForKeyframe) {
            waitingForKeyframe = true;
            keyframeRequested = false;
        }
        requestKeyframe();
    }

    private void requestKeyframe() {
        if (!keyframeRequested) {
            keyframeRequested = true;
            keyframeRequests++;
            listener.onKeyframeNeeded();
        }
    }

    /** Forgets the stream (as after an SSRC change): the next packet starts afresh, waiting for a keyframe. */
    public void reset() {
        resetFrame();
        sequence.reset();
        waitingForKeyframe = true;
        keyframeRequested = false;
    }

    /** Whether frames are being dropped until the next keyframe. */
    public boolean isWaitingForKeyframe() {
        return waitingForKeyframe;
    }

    /** Packets pushed since creation (malformed headers excluded). */
    public long packets() {
        return packets;
    }

    /** Frames delivered. */
    public long frames() {
        return frames;
    }

    /** Frames dropped as damaged, or while waiting for a keyframe. */
    public long droppedFrames() {
        return droppedFrames;
    }

    /** Packets with a malformed header or descriptor. */
    public long malformedPackets() {
        return malformedPackets;
    }

    /** Packets missing from the sequence (sum of the gaps). */
    public long lostPackets() {
        return sequence.lostPackets();
    }

    /** Duplicate or late packets ignored. */
    public long latePackets() {
        return latePackets;
    }

    /** Times {@link Vp8FrameListener#onKeyframeNeeded()} was called. */
    public long keyframeRequests() {
        return keyframeRequests;
    }
}
