/**
 * Transport-wide congestion control (draft-holmer-rmcat-transport-wide-cc-extensions-01): the receive side that
 * tells publishers when their packets arrived ({@link io.lianmai.media.bwe.TransportFeedbackGenerator}), and the send
 * side that numbers every packet to a subscriber and estimates its downlink from its feedback in the manner of Google
 * Congestion Control (draft-ietf-rmcat-gcc-02, libwebrtc {@code modules/congestion_controller/goog_cc}):
 * {@link io.lianmai.media.bwe.SendSideBandwidthEstimator}; and, for subscribers that offer only REMB, their own
 * estimate read from their REMB ({@link io.lianmai.media.bwe.RembEstimate}), and for publishers that offer only REMB,
 * the server's receive-side estimate of their uplink from abs-send-time, sent to them in REMB
 * ({@link io.lianmai.media.bwe.ReceiveSideEstimator}). On the media loop; nothing here
 * allocates or logs per packet. See {@code docs/media.md}, "Bandwidth estimation".
 */
package io.lianmai.media.bwe;
