package io.lianmai.live.rtmp;

import java.util.List;

/**
 * Settings of the RTMP server.
 *
 * @param outChunkSize          chunk size the server sends with; 4096 cuts header overhead ~30x versus 128
 * @param windowAckSize         Window Acknowledgement Size and Set Peer Bandwidth told to clients; 2.5 MB as FMS
 * @param maxStreamsPerConnection createStream calls allowed per connection; clients need one, retries a few more
 * @param limits                chunk decoder limits
 * @param fourCcList            enhanced-RTMP codecs (beyond FLV's H.264/AAC) announced to clients that list theirs in
 *                              connect; HEVC ("hvc1") only, since that is what the media layer is to take
 */
public record RtmpServerConfig(int outChunkSize, long windowAckSize, int maxStreamsPerConnection, RtmpLimits limits,
                               List<String> fourCcList) {
    public static final RtmpServerConfig DEFAULT =
            new RtmpServerConfig(4096, 2_500_000, 8, RtmpLimits.DEFAULT, List.of("hvc1"));

    public RtmpServerConfig {
        fourCcList = List.copyOf(fourCcList);
    }

    /** The codecs to announce in the connect result: ours that the client listed ("*" lists all). */
    public List<String> fourCcFor(List<String> clientList) {
        if (clientList.contains("*")) {
            return fourCcList;
        }
        return clientList.stream().filter(fourCcList::contains).toList();
    }
}
