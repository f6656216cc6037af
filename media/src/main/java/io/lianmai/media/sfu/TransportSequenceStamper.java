package io.lianmai.media.sfu;

import io.lianmai.media.bwe.SendSideBandwidthEstimator;
import io.lianmai.wire.rtp.RtpPacket;
import io.lianmai.wire.rtp.TransportSequenceNumberExtension;
import java.time.Clock;

/**
 * Sits between a down-track and its subscriber's session and numbers every packet with the subscriber's own
 * transport-wide sequence number (draft-holmer-rmcat-transport-wide-cc-extensions-01 §2), rewriting in place the
 * element the forwarded packet carries under the subscriber's {@code transport-cc} id, or adding one (growing the
 * packet by up to {@link Buffers#MAX_GROWTH} bytes, within {@link Buffers#MAX_PACKET}) when its publisher sent none,
 * so that the subscriber's feedback tells the subscriber's {@link SendSideBandwidthEstimator} when each packet
 * arrived. All down-tracks of one subscriber share its estimator, hence one sequence across audio, video and
 * retransmissions.
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

    /** Numbers the packet, which may grow by up to {@link Buffers#MAX_GROWTH} bytes, and passes it on. */
    @Override
    public void sendRtp(byte[] buf, int off, int len) {
        if (packet.wrap(buf, off, len)) {
            sendRtp(packet);
        } else {
            session.sendRtp(buf, off, len);
        }
    }

    /** Numbers the packet through its view, with one search of its extensions, and passes the view on. */
    @Override
    public void sendRtp(RtpPacket view) {
        long element = view.findExtension(extensionId);
        int valueOffset;
        if (element == RtpPacket.NOT_FOUND) {
            valueOffset = view.addExtension(extensionId, TransportSequenceNumberExtension.LENGTH,
                    Buffers.growthLimit(view.buffer(), view.offset(), view.length()));
        } else if (RtpPacket.extensionValueLength(element) >= TransportSequenceNumberExtension.LENGTH) {
            valueOffset = RtpPacket.extensionValueOffset(element);
        } else {
            valueOffset = -1; // too short to number, and it cannot be added twice
        }
        estimator.stamp(view.buffer(), valueOffset, view.length(), clock.millis());
        session.sendRtp(view);
    }

    @Override
    public void sendRtcp(byte[] buf, int off, int len) {
        session.sendRtcp(buf, off, len);
    }
}
