package io.lianmai.server.config;

import java.util.List;

/**
 * MCU mix tasks ({@code StartMCUMixTranscode}): how many may run, how large an output they may ask for, and where
 * and how their images ({@code BackgroundImageUrl}, {@code PlaceImageUrl}) may be fetched.
 *
 * @param maxPerApp        tasks one app may run at once on this node
 * @param maxPerNode       tasks on this node, all apps together
 * @param maxVideoWidth    largest output width in pixels
 * @param maxVideoHeight   largest output height in pixels
 * @param maxVideoBitrateKbps largest output video bit rate in kbit/s
 * @param imageMaxBytes    largest image file fetched, in bytes
 * @param imageMaxPixels   largest decoded image, in pixels (width × height)
 * @param imageTimeoutMillis one image fetch, connect to last byte, in ms
 * @param imageAllowPrivateHosts whether images may come from loopback, link-local, private … addresses
 * @param imageAllowedHosts host names, IP addresses or CIDR blocks images may come from even in those ranges
 */
public record MixConfig(int maxPerApp, int maxPerNode, int maxVideoWidth, int maxVideoHeight,
                        int maxVideoBitrateKbps, int imageMaxBytes, int imageMaxPixels, int imageTimeoutMillis,
                        boolean imageAllowPrivateHosts, List<String> imageAllowedHosts) {
    /**
     * Two mixes per app and per node (a 720p30 mix of four costs about half a core: two fit a 2-core machine), up to
     * 1920 a side and 8 Mbit/s; images up to 2 MiB (a 1080p PNG is about 1–2 MiB) and 4 Mpixels (a 1080p canvas is
     * 2 Mpixels), fetched within 5 s (TRTC's callback budget), from public addresses only.
     */
    public static final MixConfig DEFAULT = new MixConfig(2, 2, 1920, 1920, 8_000, 2 * 1024 * 1024, 4 * 1024 * 1024,
            5_000, false, List.of());

    public MixConfig {
        imageAllowedHosts = List.copyOf(imageAllowedHosts);
    }

    /** The same limits with images allowed from {@code hosts} (names, addresses, CIDR blocks) whatever their range. */
    public MixConfig withImageAllowedHosts(List<String> hosts) {
        return new MixConfig(maxPerApp, maxPerNode, maxVideoWidth, maxVideoHeight, maxVideoBitrateKbps, imageMaxBytes,
                imageMaxPixels, imageTimeoutMillis, imageAllowPrivateHosts, hosts);
    }

    /** The same with other image size and time limits. */
    public MixConfig withImageLimits(int maxBytes, int maxPixels, int timeoutMillis) {
        return new MixConfig(maxPerApp, maxPerNode, maxVideoWidth, maxVideoHeight, maxVideoBitrateKbps, maxBytes,
                maxPixels, timeoutMillis, imageAllowPrivateHosts, imageAllowedHosts);
    }
}
