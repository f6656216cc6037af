package io.lianmai.media;

import io.lianmai.media.sdp.RtpCodec;
import java.util.List;

/**
 * Receives a published stream in-process (a bridge to FLV/HLS, say) as plaintext RTP: each track's packets in
 * their own continuous SSRC/sequence/timestamp space, video starting at a keyframe.
 *
 * <p>Called on the media loop: return quickly, never block, and copy what must outlive the call.
 */
public interface LocalSink {
    /** The stream's tracks, in index order, with the codec each carries (payload type, name, clock, fmtp). */
    void onStart(List<RtpCodec> tracks);

    /** One RTP packet of track {@code track}; the bytes are valid only during the call. */
    void onRtp(int track, byte[] buf, int off, int len);

    /**
     * The publisher's latest sender report of track {@code track} (RFC 3550 §6.4.1), in this sink's timestamp
     * space: RTP timestamp {@code rtpTimestamp} was captured at {@code ntpTimestamp} (64-bit NTP format). About once a
     * second once the publisher has sent one (a WebRTC client's, or a local publisher's
     * {@link LocalPublisher#senderReport}); it is how two tracks of a stream are aligned. None before the track's first
     * packet.
     */
    default void onSenderReport(int track, long ntpTimestamp, long rtpTimestamp) {
    }

    /** The session ended (the publisher left or was replaced, {@link LocalPlayer#end}, shutdown). */
    void onEnd();
}
