package io.lianmai.live.rtmp;

/**
 * The NetStream {@code play} command (RTMP 1.0 section 7.2.2.1): stream name (with query), start (-2 live or
 * recorded, -1 live only, >= 0 recorded from that second), duration and reset.
 */
public record PlayCommand(double transactionId, StreamName streamName, double start) {
    public static PlayCommand from(RtmpCommand command) {
        double start = command.argument(1) == null ? -2 : command.argument(1).asNumber();
        return new PlayCommand(command.transactionId(), StreamName.parse(command.stringArgument(0)),
                Double.isNaN(start) ? -2 : start);
    }
}
