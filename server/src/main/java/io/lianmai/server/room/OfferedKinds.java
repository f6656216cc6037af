package io.lianmai.server.room;

import io.lianmai.media.sdp.MediaDescription;
import io.lianmai.media.sdp.SdpException;
import io.lianmai.media.sdp.SessionDescription;
import java.util.Optional;

/**
 * What an SDP offer asks to carry, read from the parsed offer — every media section, its media type compared
 * case-insensitively ({@code m=VIDEO} is video) — so that privilege checks see what the media plane will forward.
 * Rejected sections (port 0) carry nothing. Sections that are neither audio nor video (data channels, {@code text})
 * need no privilege: the media plane rejects them in its answer and forwards nothing for them.
 *
 * @param audio some section is audio
 * @param video some section is video
 */
public record OfferedKinds(boolean audio, boolean video) {
    /**
     * What an offer that does not parse is taken to ask for when checking privileges: everything, so the strictest
     * check applies; the media plane then refuses the offer itself.
     */
    public static final OfferedKinds EVERYTHING = new OfferedKinds(true, true);

    /** {@link #of}, or empty when {@code offer} is not valid SDP. */
    public static Optional<OfferedKinds> tryOf(String offer) {
        try {
            return Optional.of(of(offer));
        } catch (IllegalArgumentException e) {
            return Optional.empty();
        }
    }
    /**
     * Parses {@code offer}.
     *
     * @throws IllegalArgumentException when it is not a valid SDP description, saying why
     */
    public static OfferedKinds of(String offer) {
        SessionDescription description;
        try {
            description = SessionDescription.parse(offer);
        } catch (SdpException e) {
            throw new IllegalArgumentException("the offer is not valid SDP: " + e.getMessage());
        } catch (RuntimeException e) {
            throw new IllegalArgumentException("the offer is not valid SDP");
        }
        boolean audio = false;
        boolean video = false;
        for (MediaDescription media : description.media()) {
            if (media.isRejected()) {
                continue;
            }
            switch (media.kind()) {
                case AUDIO -> audio = true;
                case VIDEO -> video = true;
                default -> {
                    // Answered with port 0 by the media plane: nothing is forwarded, no privilege needed.
                }
            }
        }
        return new OfferedKinds(audio, video);
    }
}
