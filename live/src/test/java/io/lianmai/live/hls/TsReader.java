package io.lianmai.live.hls;

import java.io.ByteArrayOutputStream;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** Reads back just enough MPEG-TS (ISO/IEC 13818-1) to check a segment: PAT, PMT and each PES with its timestamps. */
final class TsReader {
    static final int STREAM_TYPE_H264 = 0x1B;
    static final int STREAM_TYPE_AAC_ADTS = 0x0F;

    /** One PES packet: its PID, PTS and DTS in 90 kHz (-1 when absent) and its payload. */
    record Pes(int pid, long pts, long dts, byte[] payload) {
    }

    final List<Integer> pids = new ArrayList<>();
    /** PID → stream type, from the PMT. */
    final Map<Integer, Integer> streams = new LinkedHashMap<>();
    final List<Pes> pes = new ArrayList<>();

    TsReader(byte[] ts) {
        if (ts.length % 188 != 0) {
            throw new AssertionError(ts.length + " bytes is not a whole number of TS packets");
        }
        int pmtPid = -1;
        Map<Integer, ByteArrayOutputStream> open = new LinkedHashMap<>();
        Map<Integer, long[]> times = new LinkedHashMap<>();
        for (int at = 0; at < ts.length; at += 188) {
            if ((ts[at] & 0xFF) != 0x47) {
                throw new AssertionError("no sync byte at " + at);
            }
            boolean start = (ts[at + 1] & 0x40) != 0;
            int pid = ((ts[at + 1] & 0x1F) << 8) | (ts[at + 2] & 0xFF);
            int control = (ts[at + 3] >> 4) & 3;
            int payload = at + 4;
            if ((control & 2) != 0) {
                payload += 1 + (ts[at + 4] & 0xFF);
            }
            pids.add(pid);
            if ((control & 1) == 0 || payload >= at + 188) {
                continue;
            }
            if (pid == 0 && start) {
                int section = payload + 1 + (ts[payload] & 0xFF);
                pmtPid = ((ts[section + 10] & 0x1F) << 8) | (ts[section + 11] & 0xFF);
            } else if (pid == pmtPid && start) {
                int section = payload + 1 + (ts[payload] & 0xFF);
                int sectionLength = ((ts[section + 1] & 0x0F) << 8) | (ts[section + 2] & 0xFF);
                int programInfo = ((ts[section + 10] & 0x0F) << 8) | (ts[section + 11] & 0xFF);
                int entry = section + 12 + programInfo;
                int end = section + 3 + sectionLength - 4;
                while (entry < end) {
                    int type = ts[entry] & 0xFF;
                    int elementary = ((ts[entry + 1] & 0x1F) << 8) | (ts[entry + 2] & 0xFF);
                    streams.put(elementary, type);
                    entry += 5 + (((ts[entry + 3] & 0x0F) << 8) | (ts[entry + 4] & 0xFF));
                }
            } else if (streams.containsKey(pid)) {
                if (start) {
                    flush(pid, open, times);
                    int flags = (ts[payload + 7] >> 6) & 3;
                    int headerLength = ts[payload + 8] & 0xFF;
                    long pts = (flags & 2) != 0 ? timestamp(ts, payload + 9) : -1;
                    long dts = flags == 3 ? timestamp(ts, payload + 14) : pts;
                    times.put(pid, new long[] {pts, dts});
                    ByteArrayOutputStream data = new ByteArrayOutputStream();
                    data.write(ts, payload + 9 + headerLength, at + 188 - (payload + 9 + headerLength));
                    open.put(pid, data);
                } else if (open.containsKey(pid)) {
                    open.get(pid).write(ts, payload, at + 188 - payload);
                }
            }
        }
        for (Integer pid : new ArrayList<>(open.keySet())) {
            flush(pid, open, times);
        }
    }

    private void flush(int pid, Map<Integer, ByteArrayOutputStream> open, Map<Integer, long[]> times) {
        ByteArrayOutputStream data = open.remove(pid);
        if (data != null) {
            long[] time = times.get(pid);
            pes.add(new Pes(pid, time[0], time[1], data.toByteArray()));
        }
    }

    private static long timestamp(byte[] b, int at) {
        return ((long) (b[at] & 0x0E) << 29) | ((b[at + 1] & 0xFFL) << 22) | ((b[at + 2] & 0xFEL) << 14)
                | ((b[at + 3] & 0xFFL) << 7) | ((b[at + 4] & 0xFEL) >> 1);
    }

    /** The PID of the first stream of this type. */
    int pid(int streamType) {
        return streams.entrySet().stream().filter(e -> e.getValue() == streamType).mapToInt(Map.Entry::getKey)
                .findFirst().orElse(-1);
    }

    List<Pes> pes(int pid) {
        return pes.stream().filter(p -> p.pid() == pid).toList();
    }
}
