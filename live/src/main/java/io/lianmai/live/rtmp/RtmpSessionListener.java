package io.lianmai.live.rtmp;

/**
 * What the RTMP protocol layer reports to the media layer. All methods are called on the connection's Netty event
 * loop, in order for one connection; they must not block. Streams of different connections are independent: an
 * exception thrown by a callback closes only that connection.
 */
public interface RtmpSessionListener {
    /** A publish was authorized and NetStream.Publish.Start sent; media for {@code stream} follows. */
    void onPublish(RtmpStream stream);

    /**
     * An audio (8), video (9) or data (18, {@code @setDataFrame}/{@code onMetaData}) message of a publishing stream.
     * The message is borrowed: it is released after the call returns, so {@link RtmpMessage#retain()} (or
     * {@link RtmpMessage#retainedDuplicate()}) it to keep it.
     */
    void onMediaMessage(RtmpStream stream, RtmpMessage message);

    /** A play was authorized and NetStream.Play.Start sent; send media with {@link RtmpStream#send}. */
    void onPlay(RtmpStream stream);

    /** {@code stream} ended: deleteStream, closeStream, FCUnpublish, or the connection closed. Called once. */
    void onClose(RtmpStream stream);
}
