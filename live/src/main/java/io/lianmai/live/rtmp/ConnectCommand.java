package io.lianmai.live.rtmp;

import io.lianmai.live.amf.Amf0Object;
import io.lianmai.live.amf.Amf0StrictArray;
import io.lianmai.live.amf.Amf0Value;
import java.util.ArrayList;
import java.util.List;

/**
 * The NetConnection {@code connect} command (RTMP 1.0 section 7.2.1.1): the application name, the tcUrl, the
 * object encoding, and (enhanced RTMP v1) the {@code fourCcList} of codecs the client supports beyond FLV's.
 */
public record ConnectCommand(double transactionId, String app, String tcUrl, double objectEncoding,
                             List<String> fourCcList) {

    public static ConnectCommand from(RtmpCommand command) {
        if (!RtmpCommand.CONNECT.equals(command.name())) {
            throw new IllegalArgumentException("not a connect command: " + command.name());
        }
        if (!(command.commandObject() instanceof Amf0Object object)) {
            throw new RtmpException("connect without a command object (RTMP 7.2.1.1)");
        }
        String app = object.string("app");
        if (app == null) {
            throw new RtmpException("connect without an app name (RTMP 7.2.1.1)");
        }
        // Some clients put a trailing slash or the query on the app ("live/?k=v"); the stream query is what counts.
        int query = app.indexOf('?');
        if (query >= 0) {
            app = app.substring(0, query);
        }
        while (app.endsWith("/")) {
            app = app.substring(0, app.length() - 1);
        }
        double encoding = object.number("objectEncoding");
        List<String> fourCc = new ArrayList<>();
        if (object.get("fourCcList") instanceof Amf0StrictArray list) {
            for (Amf0Value v : list.values()) {
                if (v.asString() != null) {
                    fourCc.add(v.asString());
                }
            }
        }
        return new ConnectCommand(command.transactionId(), app, object.string("tcUrl"),
                Double.isNaN(encoding) ? 0 : encoding, List.copyOf(fourCc));
    }
}
