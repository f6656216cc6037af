package io.lianmai.server.config;

/**
 * MCU mix tasks ({@code StartMCUMixTranscode}): how many may run and how large an output they may ask for.
 *
 * @param maxPerApp        tasks one app may run at once on this node
 * @param maxPerNode       tasks on this node, all apps together
 * @param maxVideoWidth    largest output width in pixels
 * @param maxVideoHeight   largest output height in pixels
 * @param maxVideoBitrateKbps largest output video bit rate in kbit/s
 */
public record MixConfig(int maxPerApp, int maxPerNode, int maxVideoWidth, int maxVideoHeight,
                        int maxVideoBitrateKbps) {
    /**
     * Two mixes per app and per node (a 720p30 mix of four costs about half a core: two fit a 2-core machine), up to
     * 1920 a side and 8 Mbit/s.
     */
    public static final MixConfig DEFAULT = new MixConfig(2, 2, 1920, 1920, 8_000);
}
