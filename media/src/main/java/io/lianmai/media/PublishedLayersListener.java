package io.lianmai.media;

import java.util.List;

/**
 * Hears which simulcast layers a WebRTC publisher should send: the media plane pauses the layers no player wants (a
 * layer nobody has wanted for 3 s) and resumes them as soon as one does, and the publisher's client applies that to
 * its encoder (the web SDK sets the encoding inactive). Told only when the decision for a track changes; a track
 * without simulcast never is. docs/media.md, "Paused layers".
 *
 * <p>Thread: called on the media loop; it must not block and must not call back into the media plane.
 */
@FunctionalInterface
public interface PublishedLayersListener {
    /**
     * @param sessionId the publisher's session, as {@link MediaPlane#publish} answered it
     * @param streamKey the stream it publishes
     * @param mid the simulcast track's m-line
     * @param activeRids the rids (RFC 8851) to send, in SDP order; the others should be paused. Never empty.
     */
    void onPublishedLayers(String sessionId, String streamKey, String mid, List<String> activeRids);
}
