package io.lianmai.media.sdp;

import java.util.List;

/**
 * An offer the server made to a subscriber (server-initiated negotiation), waiting for its answer.
 *
 * @param description the offer to send
 * @param media       what each m-line offers, in order
 */
public record LocalOffer(SessionDescription description, List<OfferedMedia> media) {

    public LocalOffer {
        media = List.copyOf(media);
    }

    /** The offer's text. */
    public String sdp() {
        return description.write();
    }
}
