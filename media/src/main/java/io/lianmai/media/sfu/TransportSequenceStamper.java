package io.lianmai.media.sfu;

import io.lianmai.media.bwe.SendSideBandwidthEstimator;
import io.lianmai.wire.rtp.RtpPacket;
import java.time.Clock;

/**
 * Sits between a down-track and its subscriber's session and numbers every packet with the subscriber's own
 * transport-wide sequence number (draft-holmer-rmcat-transport-wide-cc-extensions-01 §2), rewriting in place the
 * element the forwarded packet carries under the subscriber's {@code transport-cc} id, so that the subscriber's
 * feedback tells the subscriber's {@link SendSideBandwidthEstimator} when each packet arrived. All down-tracks of one
 * subscriber share its estimator, hence one sequence across audio, video and retransmissions.
 *
 * <p>On the media thread; allocates nothing.
 */
public final class TransportSequenceStamper implements RtpSink {
    private final RtpSink session;
    private final SendSideBandwidthEstimator estimator;
    private final int extensionId;
    private final Clock clock;
    private final RtpPacket packet = new RtpPacket();

    /**
     * @param session where the numbered packets go
     * @param extensionId the subscriber's transport-wide-cc extension id in this down-track's m-line
     * @param clock the media plane's clock (send times)
     */
    public TransportSequenceStamper(RtpSink session, SendSideBandwidthEstimator estimator, int extensionId,
            Clock clock) {
        this.session = session;
        this.estimator = estimator;
        this.extensionId = extensionId;
        this.clock = clock;
    }

    @Override
    public void sendRtp(byte[] buf, int off, int len) {
        if (packet.wrap(buf, off, len)) {
            estimator.stamp(packet, extensionId, len, clock.millis());
        }
        session.sendRtp(buf, off, len);
    }

    @Override
    public void sendRtcp(byte[] buf, int off, int len) {
        session.sendRtcp(buf, off, len);
    }
}
