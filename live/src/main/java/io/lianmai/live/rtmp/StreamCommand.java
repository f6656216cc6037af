package io.lianmai.live.rtmp;

/**
 * The stream-scoped commands that carry just a name or id: {@code releaseStream}, {@code FCPublish},
 * {@code FCUnpublish} (Flash Media Server extensions sent by FMLE, OBS and FFmpeg, with the stream name) and
 * {@code deleteStream} (RTMP 1.0 section 7.2.2.3, with the message stream id as a number), {@code closeStream}.
 */
public record StreamCommand(String name, double transactionId, String streamName, int streamId) {
    public static StreamCommand from(RtmpCommand command) {
        String streamName = command.stringArgument(0);
        double id = command.argument(0) == null ? Double.NaN : command.argument(0).asNumber();
        return new StreamCommand(command.name(), command.transactionId(),
                streamName == null ? "" : StreamName.parse(streamName).name(),
                Double.isNaN(id) ? 0 : (int) id);
    }
}
