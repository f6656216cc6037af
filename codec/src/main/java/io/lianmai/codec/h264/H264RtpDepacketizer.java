package io.lianmai.codec.h264;

import io.lianmai.wire.h264.NalUnit;

import io.lianmai.codec.rtp.RtpDepacketizer;
import io.lianmai.common.BigEndian;
import java.util.Arrays;

/**
 * Reassembles H.264 access units from RTP packets of RFC 6184 packetization-mode 0 or 1: single NAL unit packets
 * (§5.6), STAP-A (§5.7.1) and FU-A (§5.8). An access unit ends at the marker bit, or when a packet with a new
 * timestamp arrives.
 *
 * <p>Loss handling: a sequence number gap, a broken fragmentation (FU-A without start or end, interrupted), an
 * unsupported packet type (STAP-B, MTAP, FU-B) or an access unit larger than the limit makes the depacketizer drop the
 * damaged access unit and everything after it until a complete IDR access unit arrives, for which the SPS and PPS are
 * known; it calls {@link H264AccessUnitListener#onKeyframeNeeded()} when it starts waiting. A stream also starts in
 * that state, so the first access unit delivered is a keyframe.
 *
 * <p>Packets must come in sequence order (after a reorder/NACK buffer); a late or duplicate packet is ignored and
 * counted. Feed padding-only packets too, so their sequence numbers do not look like loss.
 *
 * <p>Nothing is allocated per packet once the access unit buffer has grown to the stream's largest access unit (only
 * a changed SPS/PPS is copied). Not thread-safe: one owner thread.
 */
public final class H264RtpDepacketizer extends RtpDepacketizer {
    /** Default largest access unit: 4 MiB holds a 4K IDR picture at high quality. */
    public static final int DEFAULT_MAX_ACCESS_UNIT = 4 * 1024 * 1024;

    private final H264AccessUnitListener listener;
    private final int maxAccessUnit;

    private byte[] au = new byte[64 * 1024];
    private int auLength;
    private long auTimestamp;
    private boolean auActive;
    private boolean auDamaged;
    private boolean auIdr;
    private int fuLengthAt = -1;
    private int fuType;
    private int spsAt = -1;
    private int spsLength;
    private int ppsAt = -1;
    private int ppsLength;
    private boolean gapBeforeNextPacket;

    private byte[] sps;
    private byte[] pps;
    private boolean sequenceHeaderChanged;
    private AvcDecoderConfigurationRecord sequenceHeader;

    private long accessUnits;
    private long droppedAccessUnits;

    /** A depacketizer with the default access unit size limit. */
    public H264RtpDepacketizer(H264AccessUnitListener listener) {
        this(listener, DEFAULT_MAX_ACCESS_UNIT);
    }

    /** A depacketizer that drops access units larger than {@code maxAccessUnitBytes} (as AVCC). */
    public H264RtpDepacketizer(H264AccessUnitListener listener, int maxAccessUnitBytes) {
        super(listener::onKeyframeNeeded);
        if (maxAccessUnitBytes < 1024) {
            throw new IllegalArgumentException("access unit limit too small: " + maxAccessUnitBytes);
        }
        this.listener = listener;
        this.maxAccessUnit = maxAccessUnitBytes;
    }

    @Override
    protected void onGap() {
        // whatever was lost breaks the reference chain: the current access unit or whole ones before the next
        if (auActive) {
            auDamaged = true;
        }
        gapBeforeNextPacket = true;
    }

    @Override
    protected void onPayload(long ts, boolean marker, byte[] payload, int off, int len) {
        if (auActive && ts != auTimestamp) {
            completeAccessUnit();
        }
        if (!auActive) {
            auActive = true;
            auTimestamp = ts;
            if (gapBeforeNextPacket && !startsAccessUnit(payload, off, len)) {
                auDamaged = true;
            }
        }
        gapBeforeNextPacket = false;
        if (!auDamaged && !depacketize(payload, off, len)) {
            auDamaged = true;
        }
        if (marker) {
            completeAccessUnit();
        }
    }

    private boolean depacketize(byte[] buf, int off, int len) {
        int header = buf[off] & 0xFF;
        if ((header & 0x80) != 0) {
            countMalformed();
            return false;
        }
        int type = header & 0x1F;
        if (NalUnit.isSingleNalType(type)) {
            if (fuLengthAt >= 0) {
                return false; // a fragmented NAL unit never ended
            }
            return appendNal(buf, off, len);
        }
        if (type == NalUnit.STAP_A) {
            if (fuLengthAt >= 0) {
                return false;
            }
            int end = off + len;
            int pos = off + 1;
            if (pos == end) {
                countMalformed();
                return false;
            }
            while (pos < end) {
                if (end - pos < 3) {
                    countMalformed();
                    return false;
                }
                int size = BigEndian.u16(buf, pos);
                pos += 2;
                if (size == 0 || size > end - pos || !NalUnit.isSingleNalType(buf[pos] & 0x1F)) {
                    countMalformed();
                    return false;
                }
                if (!appendNal(buf, pos, size)) {
                    return false;
                }
                pos += size;
            }
            return true;
        }
        if (type == NalUnit.FU_A) {
            if (len < 2) {
                countMalformed();
                return false;
            }
            int fu = buf[off + 1] & 0xFF;
            int nalType = fu & 0x1F;
            boolean start = (fu & 0x80) != 0;
            boolean end = (fu & 0x40) != 0;
            if (!NalUnit.isSingleNalType(nalType)) {
                countMalformed();
                return false;
            }
            if (start) {
                if (fuLengthAt >= 0 || !ensure(5 + len - 2)) {
                    return false;
                }
                fuLengthAt = auLength;
                fuType = nalType;
                auLength += 4;
                au[auLength++] = (byte) ((header & 0xE0) | nalType);
            } else if (fuLengthAt < 0 || nalType != fuType || !ensure(len - 2)) {
                return false;
            }
            System.arraycopy(buf, off + 2, au, auLength, len - 2);
            auLength += len - 2;
            if (end) {
                int nalLength = auLength - fuLengthAt - 4;
                BigEndian.put32(au, fuLengthAt, nalLength);
                noteNal(fuLengthAt + 4, nalLength);
                fuLengthAt = -1;
            }
            return true;
        }
        countMalformed(); // STAP-B, MTAP16/24, FU-B (interleaved mode) or reserved
        return false;
    }

    private boolean appendNal(byte[] buf, int off, int len) {
        if (!ensure(4 + len)) {
            return false;
        }
        BigEndian.put32(au, auLength, len);
        System.arraycopy(buf, off, au, auLength + 4, len);
        noteNal(auLength + 4, len);
        auLength += 4 + len;
        return true;
    }

    private void noteNal(int at, int len) {
        switch (au[at] & 0x1F) {
            case NalUnit.IDR:
                auIdr = true;
                break;
            case NalUnit.SPS:
                spsAt = at;
                spsLength = len;
                break;
            case NalUnit.PPS:
                ppsAt = at;
                ppsLength = len;
                break;
            default:
                break;
        }
    }

    private boolean ensure(int extra) {
        long needed = (long) auLength + extra;
        if (needed > maxAccessUnit) {
            return false;
        }
        if (needed > au.length) {
            au = Arrays.copyOf(au, (int) Math.min(maxAccessUnit, Math.max(needed, 2L * au.length)));
        }
        return true;
    }

    private void completeAccessUnit() {
        boolean damaged = auDamaged || fuLengthAt >= 0;
        if (damaged || auLength == 0) {
            if (damaged) {
                droppedAccessUnits++;
                startWaiting();
            }
            resetAccessUnit();
            return;
        }
        if (spsAt >= 0 && spsLength >= 4 && spsLength <= 0xFFFF) {
            sps = changed(sps, spsAt, spsLength);
        }
        if (ppsAt >= 0 && ppsLength <= 0xFFFF) {
            pps = changed(pps, ppsAt, ppsLength);
        }
        boolean keyframe = auIdr;
        if (isWaitingForKeyframe()) {
            if (!keyframe || sps == null || pps == null) {
                droppedAccessUnits++;
                requestKeyframe();
                resetAccessUnit();
                return;
            }
            endWaiting();
        }
        if (sequenceHeaderChanged && sps != null && pps != null) {
            sequenceHeaderChanged = false;
            sequenceHeader = AvcDecoderConfigurationRecord.of(sps, pps);
            listener.onSequenceHeaderChanged(sequenceHeader);
        }
        accessUnits++;
        int length = auLength;
        long ts = auTimestamp;
        resetAccessUnit();
        listener.onAccessUnit(au, 0, length, ts, keyframe);
    }

    /** The stored copy of a parameter set, replaced (and the change noted) when the access unit's differs. */
    private byte[] changed(byte[] current, int at, int len) {
        if (current != null && Arrays.equals(current, 0, current.length, au, at, at + len)) {
            return current;
        }
        sequenceHeaderChanged = true;
        return Arrays.copyOfRange(au, at, at + len);
    }

    private void resetAccessUnit() {
        auActive = false;
        auDamaged = false;
        auIdr = false;
        auLength = 0;
        fuLengthAt = -1;
        spsAt = -1;
        ppsAt = -1;
    }

    /**
     * Whether a packet can be the first of an access unit: an aggregation, a parameter set, SEI or delimiter, or the
     * start of a slice whose {@code first_mb_in_slice} is 0 (its Exp-Golomb code is then the single bit 1).
     */
    private static boolean startsAccessUnit(byte[] buf, int off, int len) {
        int type = buf[off] & 0x1F;
        if (type == NalUnit.STAP_A) {
            return true;
        }
        if (type == NalUnit.FU_A) {
            return len >= 3 && (buf[off + 1] & 0x80) != 0 && nalStarts(buf[off + 1] & 0x1F, buf[off + 2]);
        }
        return len >= 2 ? nalStarts(type, buf[off + 1]) : type != NalUnit.SLICE && type != NalUnit.IDR;
    }

    private static boolean nalStarts(int type, byte firstPayloadByte) {
        if (NalUnit.isSlice(type)) {
            return (firstPayloadByte & 0x80) != 0;
        }
        return true;
    }

    @Override
    protected void forgetFrame() {
        resetAccessUnit();
        gapBeforeNextPacket = false;
    }

    /** The configuration record of the latest SPS and PPS delivered, or null before the first keyframe. */
    public AvcDecoderConfigurationRecord sequenceHeader() {
        return sequenceHeader;
    }

    /** Access units delivered. */
    public long accessUnits() {
        return accessUnits;
    }

    /** Access units dropped as damaged, or while waiting for a keyframe. */
    public long droppedAccessUnits() {
        return droppedAccessUnits;
    }
}
