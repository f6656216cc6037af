package io.lianmai.wire.rtp;

/**
 * A reusable cursor over the elements of an RTP header extension block in the RFC 8285 one-byte (§4.2) or two-byte
 * (§4.3) form, for code that must see every element, such as remapping extension ids between a publisher's and a
 * subscriber's negotiated {@code extmap} in place.
 *
 * <pre>
 * one-byte form, profile 0xBEDE:             two-byte form, profile 0x100 + appbits:
 * +-+-+-+-+-+-+-+-+------------+             +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-------------+
 * |  ID   |  L    | L+1 bytes  |             |      ID       |    length     | length bytes |
 * +-+-+-+-+-+-+-+-+------------+             +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-------------+
 * 0x00 bytes are padding; ID 15 stops parsing.   0x00 bytes are padding.
 * </pre>
 *
 * <p>Reads the packet bound to the {@link RtpPacket} given to {@link #reset}; valid until that view is re-wrapped.
 * Not thread-safe.
 */
public final class HeaderExtensionIterator {
    private byte[] buffer;
    private boolean twoByte;
    private int position;
    private int end;
    private int id;
    private int headerOffset;
    private int valueOffset;
    private int valueLength;

    /**
     * Positions the cursor before the first element of {@code packet}'s extension block; returns {@code false} (and
     * {@link #next()} will too) if the packet has no RFC 8285 block.
     */
    public boolean reset(RtpPacket packet) {
        buffer = null;
        id = 0;
        if (!packet.isWrapped() || !(packet.hasOneByteExtensions() || packet.hasTwoByteExtensions())) {
            return false;
        }
        buffer = packet.buffer();
        twoByte = packet.hasTwoByteExtensions();
        position = packet.extensionOffset();
        end = position + packet.extensionLength();
        return true;
    }

    /** Advances to the next element, skipping padding; {@code false} at the end of the block or at id 15. */
    public boolean next() {
        if (buffer == null) {
            return false;
        }
        while (position < end) {
            int head = buffer[position] & 0xFF;
            if (head == 0) {
                position++;
                continue;
            }
            int elementId;
            int length;
            int value;
            if (twoByte) {
                if (end - position < 2) {
                    break;
                }
                elementId = head;
                length = buffer[position + 1] & 0xFF;
                value = position + 2;
            } else {
                elementId = head >>> 4;
                if (elementId == 15) {
                    break;
                }
                length = (head & 0x0F) + 1;
                value = position + 1;
            }
            if (length > end - value) {
                break;
            }
            id = elementId;
            headerOffset = position;
            valueOffset = value;
            valueLength = length;
            position = value + length;
            return true;
        }
        buffer = null;
        id = 0;
        return false;
    }

    /** Local identifier of the current element. */
    public int id() {
        return id;
    }

    /** Absolute index of the current element's value in the packet's buffer. */
    public int valueOffset() {
        return valueOffset;
    }

    /** Length of the current element's value in bytes. */
    public int valueLength() {
        return valueLength;
    }

    /**
     * Rewrites the current element's local identifier in place; returns {@code false}, changing nothing, if {@code
     * newId} cannot be expressed in this block's form (1..14 one-byte, 1..255 two-byte) or there is no current element.
     */
    public boolean setId(int newId) {
        if (buffer == null || newId < 1) {
            return false;
        }
        if (twoByte) {
            if (newId > RtpPacket.MAX_TWO_BYTE_ID) {
                return false;
            }
            buffer[headerOffset] = (byte) newId;
        } else {
            if (newId > RtpPacket.MAX_ONE_BYTE_ID) {
                return false;
            }
            buffer[headerOffset] = (byte) (newId << 4 | (buffer[headerOffset] & 0x0F));
        }
        id = newId;
        return true;
    }
}
