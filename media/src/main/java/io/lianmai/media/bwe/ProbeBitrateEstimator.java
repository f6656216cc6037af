package io.lianmai.media.bwe;

/**
 * What one probe cluster showed the path carries: the packets sent while a probe was open (media and the padding
 * that raised their rate) are compared with their arrivals as the subscriber's transport-cc feedback reports them,
 * in the manner of libwebrtc's {@code ProbeBitrateEstimator} (draft-ietf-rmcat-gcc-02 leaves probing to the
 * implementation):
 *
 * <ul>
 *   <li>send rate = bytes sent after the first send instant / (last − first send instant);
 *   <li>receive rate = bytes received after the packets of the first send instant / (last arrival − the first send
 *       instant's last arrival);
 *   <li>the result is the smaller; a receive rate under 90 % of the send rate means the path was saturated, and the
 *       result is 95 % of the receive rate.
 * </ul>
 *
 * The media loop sends padding in bursts, one per 20 ms tick, so a cluster is a few bursts; leaving out the same
 * packets on both sides, those of the first send instant (not one packet, as libwebrtc's paced sender allows), keeps
 * one burst from counting as a rate of its own: on a path with room, both rates are equal. A cluster
 * needs {@link #MIN_PACKETS} packets, {@link #MIN_RECEIVED_SHARE} of them received, and both intervals under
 * {@link #MAX_INTERVAL_MICROS}; a receive rate above {@link #MAX_RATIO} × the send rate is noise. The result is
 * known when feedback has reported every packet of the cluster, or {@link #RESULT_TIMEOUT_MICROS} after it ended
 * with what arrived by then.
 *
 * <p>One cluster at a time. Not thread-safe; allocates nothing.
 */
final class ProbeBitrateEstimator {
    static final int MIN_PACKETS = 5;
    static final double MIN_RECEIVED_SHARE = 0.8;
    static final double MAX_RATIO = 2.0;
    static final long MAX_INTERVAL_MICROS = 1_000_000;
    static final long RESULT_TIMEOUT_MICROS = 1_000_000;
    private static final double SATURATED_RATIO = 0.9;
    private static final double SATURATED_UTILISATION = 0.95;

    /** The cluster being measured (packets carry its id), 0 when none. */
    private int cluster;
    private int nextCluster = 1;
    private boolean open;
    private long endedMicros;

    private int packets;
    private long bytes;
    private long firstSendMicros;
    private long lastSendMicros;
    private long firstInstantSentBytes;

    private int reported;
    private int received;
    private long receivedBytes;
    private long firstInstantBytes;
    private long firstInstantLastArrival;
    private long lastArrival;

    /** Opens a new cluster (ending one still unresolved, without a result); returns its id. */
    int start() {
        cluster = nextCluster;
        nextCluster = nextCluster == Integer.MAX_VALUE ? 1 : nextCluster + 1;
        open = true;
        packets = 0;
        bytes = 0;
        firstInstantSentBytes = 0;
        reported = 0;
        received = 0;
        receivedBytes = 0;
        firstInstantBytes = 0;
        firstInstantLastArrival = Long.MIN_VALUE;
        lastArrival = Long.MIN_VALUE;
        return cluster;
    }

    /** Closes the open cluster at {@code nowMicros}: no more packets join it. */
    void end(long nowMicros) {
        if (open) {
            open = false;
            endedMicros = nowMicros;
        }
    }

    /** The id packets sent now belong to, 0 when no cluster is open. */
    int openCluster() {
        return open ? cluster : 0;
    }

    /** Whether a cluster is open or waiting for its feedback. */
    boolean busy() {
        return cluster != 0;
    }

    /** A packet of the open cluster was sent. */
    void onSent(int size, long sendMicros) {
        if (packets == 0) {
            firstSendMicros = sendMicros;
        }
        if (sendMicros == firstSendMicros) {
            firstInstantSentBytes += size;
        }
        lastSendMicros = sendMicros;
        packets++;
        bytes += size;
    }

    /** Feedback reported a packet of cluster {@code id} lost. */
    void onLost(int id) {
        if (id == cluster && id != 0) {
            reported++;
        }
    }

    /** Feedback reported a packet of cluster {@code id}, sent at {@code sendMicros}, received at {@code arrival}. */
    void onReceived(int id, int size, long sendMicros, long arrivalMicros) {
        if (id != cluster || id == 0) {
            return;
        }
        reported++;
        received++;
        receivedBytes += size;
        if (sendMicros == firstSendMicros) {
            firstInstantBytes += size;
            firstInstantLastArrival = Math.max(firstInstantLastArrival, arrivalMicros);
        } else {
            lastArrival = Math.max(lastArrival, arrivalMicros);
        }
    }

    /**
     * After a feedback at {@code nowMicros}: the closed cluster's result in bit/s once it is known (then the
     * cluster is done), -1 while it is not known yet or when there is none, 0 when the cluster showed nothing valid.
     */
    long poll(long nowMicros) {
        if (cluster == 0 || open) {
            return -1;
        }
        if (reported < packets && nowMicros - endedMicros < RESULT_TIMEOUT_MICROS) {
            return -1;
        }
        cluster = 0;
        return result();
    }

    private long result() {
        if (packets < MIN_PACKETS || received < MIN_RECEIVED_SHARE * packets
                || firstInstantLastArrival == Long.MIN_VALUE || lastArrival == Long.MIN_VALUE) {
            return 0;
        }
        long sendInterval = lastSendMicros - firstSendMicros;
        long receiveInterval = lastArrival - firstInstantLastArrival;
        if (sendInterval <= 0 || receiveInterval <= 0 || sendInterval > MAX_INTERVAL_MICROS
                || receiveInterval > MAX_INTERVAL_MICROS) {
            return 0;
        }
        double sendRate = (bytes - firstInstantSentBytes) * 8e6 / sendInterval;
        double receiveRate = (receivedBytes - firstInstantBytes) * 8e6 / receiveInterval;
        if (receiveRate > MAX_RATIO * sendRate) {
            return 0;
        }
        double rate = Math.min(sendRate, receiveRate);
        if (receiveRate < SATURATED_RATIO * sendRate) {
            rate = SATURATED_UTILISATION * receiveRate;
        }
        return (long) rate;
    }
}
