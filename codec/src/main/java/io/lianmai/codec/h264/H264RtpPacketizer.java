package io.lianmai.codec.h264;

import io.lianmai.wire.h264.NalUnit;

import io.lianmai.wire.rtp.RtpPacket;
import io.lianmai.wire.rtp.RtpPacketSink;
import io.lianmai.common.BigEndian;
import java.util.Arrays;

/**
 * Turns H.264 access units into RTP packets of RFC 6184 packetization-mode 1 (§6.3): a NAL unit that fits the payload
 * size goes alone (§5.6), consecutive small ones are aggregated in a STAP-A (§5.7.1), and a larger one is cut into
 * FU-A fragments of balanced size (§5.8). The last packet of an access unit has the marker bit. Before an IDR access
 * unit that carries no SPS and PPS, the last ones seen (in earlier access units or given by {@link
 * #setParameterSets}) are sent first, so a receiver joining at any keyframe can decode. Access unit delimiters and
 * filler data are not sent (WebRTC receivers need neither).
 *
 * <p>Packets are written into one buffer owned by the packetizer and handed to the {@link RtpPacketSink} one at a
 * time; nothing is allocated per packet. Not thread-safe: one owner thread.
 */
public final class H264RtpPacketizer {
    /** Default maximum RTP payload: 1200 bytes keeps a packet with SRTP and extensions below common path MTUs. */
    public static final int DEFAULT_MAX_PAYLOAD = 1200;

    private final long ssrc;
    private final int payloadType;
    private final int maxPayload;
    private final byte[] packet;
    private final NalUnits nals = new NalUnits();
    private int sequenceNumber;

    private byte[] sps = new byte[0];
    private byte[] pps = new byte[0];

    // the NAL units to send for the current access unit: (array, offset, length)
    private byte[][] itemBuf = new byte[16][];
    private int[] itemOff = new int[16];
    private int[] itemLen = new int[16];
    private int items;

    private long accessUnits;
    private long packets;
    private long malformedAccessUnits;
    private long parameterSetsInserted;

    /** A packetizer with the default 1200-byte payload limit. */
    public H264RtpPacketizer(long ssrc, int payloadType, int firstSequenceNumber) {
        this(ssrc, payloadType, firstSequenceNumber, DEFAULT_MAX_PAYLOAD);
    }

    /**
     * A packetizer for one RTP stream.
     *
     * @param ssrc the SSRC written in every packet
     * @param payloadType the dynamic payload type negotiated for this H.264 format (0..127)
     * @param firstSequenceNumber sequence number of the first packet (RFC 3550 recommends a random one)
     * @param maxPayload maximum RTP payload bytes (header excluded), at least 100
     */
    public H264RtpPacketizer(long ssrc, int payloadType, int firstSequenceNumber, int maxPayload) {
        if (payloadType < 0 || payloadType > 127) {
            throw new IllegalArgumentException("payload type out of range: " + payloadType);
        }
        if (maxPayload < 100) {
            throw new IllegalArgumentException("maximum payload too small: " + maxPayload);
        }
        this.ssrc = ssrc;
        this.payloadType = payloadType;
        this.maxPayload = maxPayload;
        this.sequenceNumber = firstSequenceNumber & 0xFFFF;
        this.packet = new byte[RtpPacket.FIXED_HEADER_LENGTH + maxPayload];
    }

    /** Sets the SPS and PPS to send before IDR access units that lack them (e.g. from an RTMP sequence header). */
    public void setParameterSets(byte[] sps, byte[] pps) {
        this.sps = sps.clone();
        this.pps = pps.clone();
    }

    /** Sets the parameter sets from the first SPS and PPS of a configuration record. */
    public void setParameterSets(AvcDecoderConfigurationRecord record) {
        this.sps = record.sps();
        this.pps = record.pps();
    }

    /**
     * Packetizes one access unit in AVCC form ({@code nalLengthSize}-byte lengths, as in FLV) with its 90 kHz RTP
     * timestamp (the low 32 bits are written); returns the number of packets sent, 0 for a malformed or empty access
     * unit (counted in {@link #malformedAccessUnits()}). Only reads {@code au}.
     */
    public int packetizeAvcc(byte[] au, int off, int len, int nalLengthSize, long timestamp, RtpPacketSink sink) {
        if (nals.scanAvcc(au, off, len, nalLengthSize) < 0) {
            malformedAccessUnits++;
            return 0;
        }
        return send(timestamp, sink);
    }

    /** As {@link #packetizeAvcc} for an access unit in Annex-B form (start codes). */
    public int packetizeAnnexB(byte[] au, int off, int len, long timestamp, RtpPacketSink sink) {
        if (nals.scanAnnexB(au, off, len) < 0) {
            malformedAccessUnits++;
            return 0;
        }
        return send(timestamp, sink);
    }

    private int send(long timestamp, RtpPacketSink sink) {
        items = 0;
        boolean hasSps = false;
        boolean hasPps = false;
        boolean hasIdr = false;
        for (int i = 0; i < nals.count(); i++) {
            int type = nals.type(i);
            if (type == NalUnit.SPS) {
                hasSps = true;
                sps = remember(sps, nals, i);
            } else if (type == NalUnit.PPS) {
                hasPps = true;
                pps = remember(pps, nals, i);
            } else if (type == NalUnit.IDR) {
                hasIdr = true;
            }
        }
        if (hasIdr && !(hasSps && hasPps) && sps.length > 0 && pps.length > 0) {
            parameterSetsInserted++;
            if (!hasSps) {
                addItem(sps, 0, sps.length);
            }
            if (!hasPps) {
                addItem(pps, 0, pps.length);
            }
        }
        byte[] src = nals.array();
        for (int i = 0; i < nals.count(); i++) {
            int type = nals.type(i);
            if (type == NalUnit.AUD || type == NalUnit.FILLER) {
                continue;
            }
            addItem(src, nals.offset(i), nals.length(i));
        }
        if (items == 0) {
            malformedAccessUnits++;
            return 0;
        }
        accessUnits++;
        int sent = 0;
        int i = 0;
        while (i < items) {
            int len = itemLen[i];
            if (len > maxPayload) {
                sent += sendFragments(i, timestamp, i == items - 1, sink);
                i++;
                continue;
            }
            int n = aggregateCount(i);
            if (n >= 2) {
                sent += sendStapA(i, n, timestamp, i + n == items, sink);
                i += n;
            } else {
                System.arraycopy(itemBuf[i], itemOff[i], packet, RtpPacket.FIXED_HEADER_LENGTH, len);
                sent += emit(RtpPacket.FIXED_HEADER_LENGTH + len, timestamp, i == items - 1, sink);
                i++;
            }
        }
        return sent;
    }

    /** How many items from {@code first} fit together in one STAP-A (1 means none to aggregate with). */
    private int aggregateCount(int first) {
        int size = 1;
        int n = 0;
        while (first + n < items && size + 2 + itemLen[first + n] <= maxPayload) {
            size += 2 + itemLen[first + n];
            n++;
        }
        return n;
    }

    private int sendStapA(int first, int n, long timestamp, boolean last, RtpPacketSink sink) {
        int pos = RtpPacket.FIXED_HEADER_LENGTH + 1;
        int nri = 0;
        int forbidden = 0;
        for (int i = first; i < first + n; i++) {
            byte header = itemBuf[i][itemOff[i]];
            nri = Math.max(nri, header & 0x60);
            forbidden |= header & 0x80;
            BigEndian.put16(packet, pos, itemLen[i]);
            System.arraycopy(itemBuf[i], itemOff[i], packet, pos + 2, itemLen[i]);
            pos += 2 + itemLen[i];
        }
        packet[RtpPacket.FIXED_HEADER_LENGTH] = (byte) (forbidden | nri | NalUnit.STAP_A);
        return emit(pos, timestamp, last, sink);
    }

    private int sendFragments(int item, long timestamp, boolean lastItem, RtpPacketSink sink) {
        byte[] src = itemBuf[item];
        int header = src[itemOff[item]] & 0xFF;
        int pos = itemOff[item] + 1;
        int remaining = itemLen[item] - 1;
        int capacity = maxPayload - 2;
        int fragments = (remaining + capacity - 1) / capacity;
        int base = remaining / fragments;
        int larger = remaining % fragments;
        byte indicator = (byte) ((header & 0xE0) | NalUnit.FU_A);
        for (int f = 0; f < fragments; f++) {
            int size = base + (f < larger ? 1 : 0);
            boolean first = f == 0;
            boolean last = f == fragments - 1;
            packet[RtpPacket.FIXED_HEADER_LENGTH] = indicator;
            packet[RtpPacket.FIXED_HEADER_LENGTH + 1] =
                    (byte) ((first ? 0x80 : 0) | (last ? 0x40 : 0) | (header & 0x1F));
            System.arraycopy(src, pos, packet, RtpPacket.FIXED_HEADER_LENGTH + 2, size);
            pos += size;
            emit(RtpPacket.FIXED_HEADER_LENGTH + 2 + size, timestamp, lastItem && last, sink);
        }
        return fragments;
    }

    private int emit(int length, long timestamp, boolean marker, RtpPacketSink sink) {
        RtpPacket.writeFixedHeader(packet, 0, marker, payloadType, sequenceNumber, timestamp, ssrc);
        sequenceNumber = (sequenceNumber + 1) & 0xFFFF;
        packets++;
        sink.onRtpPacket(packet, 0, length);
        return 1;
    }

    private void addItem(byte[] buf, int off, int len) {
        if (items == itemBuf.length) {
            itemBuf = Arrays.copyOf(itemBuf, items * 2);
            itemOff = Arrays.copyOf(itemOff, items * 2);
            itemLen = Arrays.copyOf(itemLen, items * 2);
        }
        itemBuf[items] = buf;
        itemOff[items] = off;
        itemLen[items] = len;
        items++;
    }

    /** Keeps a copy of NAL unit {@code i}, reusing {@code current} when it already holds the same bytes. */
    private static byte[] remember(byte[] current, NalUnits nals, int i) {
        int off = nals.offset(i);
        int len = nals.length(i);
        if (Arrays.equals(current, 0, current.length, nals.array(), off, off + len)) {
            return current;
        }
        return Arrays.copyOfRange(nals.array(), off, off + len);
    }

    /** Sequence number the next packet will carry. */
    public int nextSequenceNumber() {
        return sequenceNumber;
    }

    /** Access units packetized since creation. */
    public long accessUnits() {
        return accessUnits;
    }

    /** RTP packets sent since creation. */
    public long packets() {
        return packets;
    }

    /** Access units refused because their NAL framing was broken or they held nothing to send. */
    public long malformedAccessUnits() {
        return malformedAccessUnits;
    }

    /** IDR access units before which the remembered SPS/PPS were sent. */
    public long parameterSetsInserted() {
        return parameterSetsInserted;
    }
}
