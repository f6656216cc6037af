package io.lianmai.live.rtmp;

import io.lianmai.live.amf.Amf0Decoder;
import io.lianmai.live.amf.Amf0Encoder;
import io.lianmai.live.amf.Amf0Null;
import io.lianmai.live.amf.Amf0Number;
import io.lianmai.live.amf.Amf0String;
import io.lianmai.live.amf.Amf0Value;
import io.lianmai.live.amf.AmfException;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import java.util.List;

/**
 * A command message (RTMP 1.0 section 7.1.1, type 20, or 17 whose AMF3 body starts with a format byte): command
 * name, transaction id, command object (null when absent) and optional arguments, all AMF0 (section 7.2).
 * The typed views ({@link ConnectCommand}, {@link PublishCommand}, {@link PlayCommand}, ...) are built from it.
 */
public record RtmpCommand(String name, double transactionId, Amf0Value commandObject, List<Amf0Value> arguments) {
    public static final String CONNECT = "connect";
    public static final String CREATE_STREAM = "createStream";
    public static final String RELEASE_STREAM = "releaseStream";
    public static final String FC_PUBLISH = "FCPublish";
    public static final String FC_UNPUBLISH = "FCUnpublish";
    public static final String PUBLISH = "publish";
    public static final String PLAY = "play";
    public static final String DELETE_STREAM = "deleteStream";
    public static final String CLOSE_STREAM = "closeStream";
    public static final String RESULT = "_result";
    public static final String ERROR = "_error";
    public static final String ON_STATUS = "onStatus";

    public RtmpCommand {
        arguments = List.copyOf(arguments);
        if (commandObject == null) {
            commandObject = Amf0Null.INSTANCE;
        }
    }

    /** Reads a command; does not release {@code message}. */
    public static RtmpCommand decode(RtmpMessage message) {
        ByteBuf body = message.payload().duplicate();
        if (message.typeId() == RtmpMessageType.COMMAND_AMF3 && body.isReadable() && body.getByte(body.readerIndex()) == 0) {
            body.skipBytes(1);
        } else if (message.typeId() != RtmpMessageType.COMMAND_AMF0) {
            throw new RtmpException("message type " + message.typeId() + " is not an AMF0 command (RTMP 7.1.1)");
        }
        List<Amf0Value> values;
        try {
            values = Amf0Decoder.decode(body);
        } catch (AmfException e) {
            throw new RtmpException("command on message stream " + message.streamId() + " is not valid AMF0: "
                    + e.getMessage(), e);
        }
        if (values.size() < 2 || !(values.get(0) instanceof Amf0String name)
                || !(values.get(1) instanceof Amf0Number transaction)) {
            throw new RtmpException("command on message stream " + message.streamId()
                    + " does not start with a name and a transaction id (RTMP 7.2): " + values);
        }
        Amf0Value object = values.size() > 2 ? values.get(2) : Amf0Null.INSTANCE;
        List<Amf0Value> arguments = values.size() > 3 ? values.subList(3, values.size()) : List.of();
        return new RtmpCommand(name.value(), transaction.value(), object, arguments);
    }

    /** The argument at {@code index} (after the command object), or null. */
    public Amf0Value argument(int index) {
        return index < arguments.size() ? arguments.get(index) : null;
    }

    /** The argument at {@code index} if it is a string, else null. */
    public String stringArgument(int index) {
        Amf0Value value = argument(index);
        return value == null ? null : value.asString();
    }

    /** This command as a type 20 message on {@code streamId}. */
    public RtmpMessage toMessage(int streamId) {
        ByteBuf body = Unpooled.buffer(128);
        Amf0Encoder.encode(body, new Amf0String(name), new Amf0Number(transactionId), commandObject);
        Amf0Encoder.encode(body, arguments);
        return RtmpMessage.of(RtmpMessageType.COMMAND_AMF0, streamId, 0, body);
    }
}
