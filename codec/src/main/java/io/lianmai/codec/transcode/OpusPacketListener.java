package io.lianmai.codec.transcode;

/** Receives the Opus packets of an {@link AacToOpus}, on its owner thread, from inside {@code feed}. */
@FunctionalInterface
public interface OpusPacketListener {
    /**
     * One Opus packet (20 ms, RFC 6716) at {@code buf[off, off + len)}, in the transcoder's buffer, overwritten after the
     * call returns (copy what must be kept).
     *
     * @param timestamp the packet's first sample in 48 kHz units, {@link AacToOpus.Config#startTimestamp()} plus the
     *     output position; use its low 32 bits (plus a random offset) as the RTP timestamp
     */
    void onOpusPacket(byte[] buf, int off, int len, long timestamp);
}
