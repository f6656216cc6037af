package io.lianmai.media.sdp;

import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * What the remote side said about the RTP streams it sends on one m-line: SSRCs (RFC 5576), FID/SIM groups, CNAMEs,
 * msid (RFC 8830) and, for rid-based simulcast (RFC 8851, RFC 8853), the accepted rids and layer list. Browsers
 * announce SSRCs only without simulcast; with rids the SFU learns SSRCs from the RID header extension.
 *
 * @param ssrcs           announced SSRCs, in order
 * @param ssrcGroups      {@code a=ssrc-group} lines
 * @param cnames          CNAME per SSRC
 * @param msid            the stream and track
 * @param rids            the accepted rids the remote sends
 * @param simulcastLayers accepted simulcast streams in the offer's order, each a list of alternative rids
 */
public record RemoteSources(List<Long> ssrcs, List<SsrcGroup> ssrcGroups, Map<Long, String> cnames,
        Optional<Msid> msid, List<Rid> rids, List<List<SimulcastStream>> simulcastLayers) {
    /** No announced sources. */
    public static final RemoteSources NONE = new RemoteSources(List.of(), List.of(), Map.of(), Optional.empty(),
            List.of(), List.of());

    public RemoteSources {
        ssrcs = List.copyOf(ssrcs);
        ssrcGroups = List.copyOf(ssrcGroups);
        cnames = Map.copyOf(cnames);
        rids = List.copyOf(rids);
        simulcastLayers = simulcastLayers.stream().map(List::copyOf).toList();
    }

    /** The RTX SSRC paired with {@code primary} by an {@code FID} group (RFC 4588 §8.7). */
    public Optional<Long> rtxSsrc(long primary) {
        for (SsrcGroup group : ssrcGroups) {
            if (group.semantics().equalsIgnoreCase(SsrcGroup.FID) && group.ssrcs().size() == 2
                    && group.ssrcs().get(0) == primary) {
                return Optional.of(group.ssrcs().get(1));
            }
        }
        return Optional.empty();
    }

    /** The SSRCs of a legacy {@code SIM} group, lowest layer first; empty without one. */
    public List<Long> simulcastSsrcs() {
        for (SsrcGroup group : ssrcGroups) {
            if (group.semantics().equalsIgnoreCase(SsrcGroup.SIM)) {
                return group.ssrcs();
            }
        }
        return List.of();
    }
}
