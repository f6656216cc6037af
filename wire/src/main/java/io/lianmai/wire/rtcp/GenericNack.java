package io.lianmai.wire.rtcp;

import io.lianmai.common.BigEndian;
import java.util.function.IntConsumer;

/**
 * A reusable view of a generic NACK (RTPFB FMT 1, RFC 4585 §6.2.1) and its writer. Each FCI entry names a lost packet
 * (PID) and, in a bitmask (BLP), which of the 16 packets after it are lost too.
 *
 * <pre>
 *  0                   1                   2                   3
 *  0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 * |V=2|P| FMT=1   |   PT=205      |          length               |
 * |                  SSRC of packet sender                        |
 * |                  SSRC of media source                         |
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 * |            PID                |             BLP               |  1..n times
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 *   BLP bit i (least significant = 0) set: packet PID + i + 1 is lost as well
 * </pre>
 *
 * <p>Read the lost sequence numbers either entry by entry with {@link #packetId} and {@link #bitmask}, or with {@link
 * #forEachLostSequenceNumber} and an {@link IntConsumer} created once (no boxing). Not thread-safe.
 */
public final class GenericNack extends RtcpFeedbackMessage {
    /** Length of one FCI entry. */
    public static final int FCI_LENGTH = 4;

    /** An unbound view; bind it with {@link #wrap}. */
    public GenericNack() {
        super(RtcpPacketType.RTPFB, RtcpFeedback.FMT_NACK, FCI_LENGTH);
    }

    /** SSRC of the media source whose packets are lost. */
    public long mediaSsrc() {
        return RtcpFeedback.mediaSsrc(buffer(), offset());
    }

    /** Rewrites the media source SSRC in place. */
    public void setMediaSsrc(long ssrc) {
        RtcpFeedback.setMediaSsrc(buffer(), offset(), ssrc);
    }

    /** Number of PID/BLP entries. */
    public int entryCount() {
        return entries();
    }

    /** The PID of entry {@code index}. */
    public int packetId(int index) {
        return BigEndian.u16(buffer(), entryOffset(index));
    }

    /** The BLP of entry {@code index}. */
    public int bitmask(int index) {
        return BigEndian.u16(buffer(), entryOffset(index) + 2);
    }

    /**
     * Calls {@code onLost} with every lost sequence number, entry by entry in ascending order within each entry, and
     * returns how many it reported. Allocates nothing if {@code onLost} is created once and reused.
     */
    public int forEachLostSequenceNumber(IntConsumer onLost) {
        int reported = 0;
        for (int i = 0; i < entries(); i++) {
            int pid = packetId(i);
            int blp = bitmask(i);
            onLost.accept(pid);
            reported++;
            for (int bit = 0; bit < 16; bit++) {
                if ((blp & 1 << bit) != 0) {
                    onLost.accept((pid + bit + 1) & 0xFFFF);
                    reported++;
                }
            }
        }
        return reported;
    }

    /** The largest number of bytes {@link #write} can take for {@code count} sequence numbers. */
    public static int maxLengthFor(int count) {
        return RtcpFeedback.HEADER_LENGTH + FCI_LENGTH * count;
    }

    /**
     * Writes a NACK for {@code count} lost sequence numbers from {@code lost[from]}, packing runs within 16 of an entry's
     * PID into its BLP. Give them in sequence order (oldest first, across the 16-bit wrap) for the tightest packing;
     * any order is correct. Duplicates of a PID are ignored. Returns the packet length, or -1 if {@code count} is 0 or
     * the packet does not fit in {@code buf}.
     */
    public static int write(byte[] buf, int off, long senderSsrc, long mediaSsrc, int[] lost, int from, int count) {
        if (count < 1 || !RtcpHeader.fits(buf, off, RtcpFeedback.HEADER_LENGTH + FCI_LENGTH)) {
            return -1;
        }
        int entry = off + RtcpFeedback.HEADER_LENGTH;
        int pid = lost[from] & 0xFFFF;
        int blp = 0;
        for (int i = from + 1; i < from + count; i++) {
            int seq = lost[i] & 0xFFFF;
            int distance = (seq - pid) & 0xFFFF;
            if (distance == 0) {
                continue;
            }
            if (distance <= 16) {
                blp |= 1 << (distance - 1);
                continue;
            }
            BigEndian.put16(buf, entry, pid);
            BigEndian.put16(buf, entry + 2, blp);
            entry += FCI_LENGTH;
            if (!RtcpHeader.fits(buf, entry, FCI_LENGTH)) {
                return -1;
            }
            pid = seq;
            blp = 0;
        }
        BigEndian.put16(buf, entry, pid);
        BigEndian.put16(buf, entry + 2, blp);
        int length = entry + FCI_LENGTH - off;
        RtcpFeedback.writeHeader(buf, off, RtcpFeedback.FMT_NACK, RtcpPacketType.RTPFB, length, senderSsrc,
                mediaSsrc);
        return length;
    }
}
