package io.lianmai.media.sdp;

import java.util.ArrayList;
import java.util.List;

/**
 * {@code a=simulcast:send <list> [recv <list>]} (RFC 8853 §5.1). Each list is {@code ;}-separated simulcast
 * streams, each a {@code ,}-separated list of alternative rids, a leading {@code ~} marking one paused.
 * Chrome writes {@code a=simulcast:send q;h;f}.
 *
 * @param send streams the writer sends, each a non-empty list of alternatives
 * @param recv streams the writer receives
 */
public record Simulcast(List<List<SimulcastStream>> send, List<List<SimulcastStream>> recv) {

    public Simulcast {
        send = copy(send);
        recv = copy(recv);
        if (send.isEmpty() && recv.isEmpty()) {
            throw new IllegalArgumentException("simulcast needs a send or a recv list");
        }
    }

    private static List<List<SimulcastStream>> copy(List<List<SimulcastStream>> streams) {
        List<List<SimulcastStream>> out = new ArrayList<>();
        for (List<SimulcastStream> alternatives : streams) {
            if (alternatives.isEmpty()) {
                throw new IllegalArgumentException("a simulcast stream needs at least one rid");
            }
            out.add(List.copyOf(alternatives));
        }
        return List.copyOf(out);
    }

    static Simulcast parse(String value) throws SdpException {
        String[] words = SdpSyntax.words(value);
        if (words.length != 2 && words.length != 4) {
            throw SdpSyntax.malformed("simulcast needs \"send <rids>\", \"recv <rids>\" or both");
        }
        List<List<SimulcastStream>> send = null;
        List<List<SimulcastStream>> recv = null;
        for (int i = 0; i < words.length; i += 2) {
            List<List<SimulcastStream>> list = parseList(words[i + 1]);
            if (words[i].equals("send") && send == null) {
                send = list;
            } else if (words[i].equals("recv") && recv == null) {
                recv = list;
            } else {
                throw SdpSyntax.malformed("simulcast direction \"" + SdpException.shorten(words[i])
                        + "\" is not send or recv, or is repeated");
            }
        }
        return new Simulcast(send == null ? List.of() : send, recv == null ? List.of() : recv);
    }

    private static List<List<SimulcastStream>> parseList(String text) throws SdpException {
        List<List<SimulcastStream>> streams = new ArrayList<>();
        for (String stream : text.split(";", -1)) {
            List<SimulcastStream> alternatives = new ArrayList<>();
            for (String id : stream.split(",", -1)) {
                boolean paused = id.startsWith("~");
                String rid = paused ? id.substring(1) : id;
                if (!Rid.isRidId(rid)) {
                    throw SdpSyntax.malformed("simulcast rid \"" + SdpException.shorten(id)
                            + "\" must be letters, digits, - or _");
                }
                alternatives.add(new SimulcastStream(rid, paused));
            }
            streams.add(alternatives);
        }
        return streams;
    }

    public String toValue() {
        StringBuilder out = new StringBuilder();
        if (!send.isEmpty()) {
            out.append("send ").append(format(send));
        }
        if (!recv.isEmpty()) {
            out.append(out.length() == 0 ? "" : " ").append("recv ").append(format(recv));
        }
        return out.toString();
    }

    private static String format(List<List<SimulcastStream>> streams) {
        StringBuilder out = new StringBuilder();
        for (List<SimulcastStream> alternatives : streams) {
            if (out.length() > 0) {
                out.append(';');
            }
            for (int i = 0; i < alternatives.size(); i++) {
                out.append(i == 0 ? "" : ",").append(alternatives.get(i).toValue());
            }
        }
        return out.toString();
    }
}
