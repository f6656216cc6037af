package io.lianmai.media.sfu;

import io.lianmai.wire.rtp.AbsSendTimeExtension;
import io.lianmai.wire.rtp.RtpPacket;
import java.time.Clock;

/**
 * Sits between a down-track and its subscriber's session and writes the server's send time into every packet's
 * absolute send time extension ({@code http://www.webrtc.org/experiments/rtp-hdrext/abs-send-time}, 24-bit 6.18
 * fixed-point seconds): rewritten in place where the forwarded packet carries the element under the subscriber's id,
 * or added (growing the packet by 4 or 8 bytes, within {@link Buffers#MAX_GROWTH} and {@link Buffers#MAX_PACKET})
 * where its publisher sent none. A subscriber that estimates its downlink itself from abs-send-time and reports it
 * in REMB (aiortc's {@code RemoteBitrateEstimator}, libwebrtc's receive-side estimator) must see the
 * server-to-subscriber path: the publisher's own values would measure the publisher's uplink and the server's
 * queueing instead. Only for subscribers that negotiated REMB and not transport-cc (see
 * {@link io.lianmai.media.bwe.RembEstimate}); one per m-line that negotiated the extension, with that m-line's id.
 *
 * <p>The time is the media clock's milliseconds (one millisecond is 262 units of the 2^-18 s field: finer than the
 * 5 ms send groups receive-side estimators form). On the media thread; allocates nothing.
 */
public final class AbsSendTimeStamper implements RtpSink {
    private static final long NANOS_PER_MILLI = 1_000_000L;

    private final RtpSink session;
    private final int extensionId;
    private final Clock clock;
    private final RtpPacket packet = new RtpPacket();
    private long stamped;
    private long unstamped;

    /**
     * @param session where the stamped packets go
     * @param extensionId the subscriber's abs-send-time extension id in this down-track's m-line
     * @param clock the media plane's clock (send times)
     */
    public AbsSendTimeStamper(RtpSink session, int extensionId, Clock clock) {
        this.session = session;
        this.extensionId = extensionId;
        this.clock = clock;
    }

    /**
     * Stamps the packet, which may grow by up to {@link Buffers#MAX_GROWTH} bytes, and passes it on. A packet that
     * holds the element with another length, or has no room to grow, goes on unstamped (counted).
     */
    @Override
    public void sendRtp(byte[] buf, int off, int len) {
        int length = len;
        if (packet.wrap(buf, off, len)) {
            int sendTime = AbsSendTimeExtension.fromNanos(clock.millis() * NANOS_PER_MILLI);
            if (AbsSendTimeExtension.write(packet, extensionId, sendTime)
                    || packet.addExtension(extensionId, AbsSendTimeExtension.LENGTH,
                            Buffers.growthLimit(buf, off, len)) >= 0
                            && AbsSendTimeExtension.write(packet, extensionId, sendTime)) {
                stamped++;
                length = packet.length();
            } else {
                unstamped++;
            }
        }
        session.sendRtp(buf, off, length);
    }

    @Override
    public void sendRtcp(byte[] buf, int off, int len) {
        session.sendRtcp(buf, off, len);
    }

    /** Packets sent with the server's send time. */
    public long stamped() {
        return stamped;
    }

    /** Packets sent without it: the element had another length, or the packet could not grow. */
    public long unstamped() {
        return unstamped;
    }
}
