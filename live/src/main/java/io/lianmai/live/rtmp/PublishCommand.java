package io.lianmai.live.rtmp;

/**
 * The NetStream {@code publish} command (RTMP 1.0 section 7.2.2.6): publishing name (with query) and type
 * ("live", "record" or "append"; live when absent).
 */
public record PublishCommand(double transactionId, StreamName streamName, String publishingType) {
    public static PublishCommand from(RtmpCommand command) {
        String type = command.stringArgument(1);
        return new PublishCommand(command.transactionId(), StreamName.parse(command.stringArgument(0)),
                type == null ? "live" : type);
    }
}
