package io.lianmai.media.srtp;

/**
 * SSRC → {@link SrtpStream}: open addressing with linear probing over an {@code int[]} of keys, so a look-up
 * neither boxes nor allocates. Grows by doubling (an allocation only when a new SSRC arrives) up to a fixed
 * limit of streams. Not thread-safe.
 */
final class SrtpStreamTable {
    private final int maxStreams;
    private int[] keys;
    private SrtpStream[] values;
    private int size;
    private SrtpStream last;

    SrtpStreamTable(int maxStreams) {
        this.maxStreams = maxStreams;
        this.keys = new int[16];
        this.values = new SrtpStream[16];
    }

    /** The stream of {@code ssrc}, or null. */
    SrtpStream get(int ssrc) {
        SrtpStream cached = last;
        if (cached != null && cached.ssrc == ssrc) {
            return cached;
        }
        int mask = keys.length - 1;
        // Bounded by the capacity: the table is never more than half full, so an empty slot ends the probe.
        for (int i = index(ssrc, mask), probes = 0; probes <= mask; i = (i + 1) & mask, probes++) {
            SrtpStream stream = values[i];
            if (stream == null) {
                return null;
            }
            if (keys[i] == ssrc) {
                last = stream;
                return stream;
            }
        }
        return null;
    }

    /** Adds a stream for {@code ssrc}, not yet present; null when the table is full. */
    SrtpStream add(int ssrc) {
        if (size >= maxStreams) {
            return null;
        }
        if ((size + 1) * 2 > keys.length) {
            grow();
        }
        SrtpStream stream = new SrtpStream(ssrc);
        insert(keys, values, ssrc, stream);
        size++;
        last = stream;
        return stream;
    }

    /** Forgets {@code ssrc}; true if it was present. */
    boolean remove(int ssrc) {
        int mask = keys.length - 1;
        int i = index(ssrc, mask);
        for (int probes = 0; probes <= mask && values[i] != null; probes++, i = (i + 1) & mask) {
            if (keys[i] == ssrc) {
                values[i] = null;
                size--;
                last = null;
                // Re-insert the rest of the probe run so later look-ups still find them.
                for (int j = (i + 1) & mask; values[j] != null; j = (j + 1) & mask) {
                    SrtpStream moved = values[j];
                    values[j] = null;
                    insert(keys, values, moved.ssrc, moved);
                }
                return true;
            }
        }
        return false;
    }

    int size() {
        return size;
    }

    private void grow() {
        int[] oldKeys = keys;
        SrtpStream[] oldValues = values;
        keys = new int[oldKeys.length * 2];
        values = new SrtpStream[oldValues.length * 2];
        for (int i = 0; i < oldValues.length; i++) {
            if (oldValues[i] != null) {
                insert(keys, values, oldKeys[i], oldValues[i]);
            }
        }
    }

    private static void insert(int[] keys, SrtpStream[] values, int ssrc, SrtpStream stream) {
        int mask = keys.length - 1;
        int i = index(ssrc, mask);
        while (values[i] != null) {
            i = (i + 1) & mask;
        }
        keys[i] = ssrc;
        values[i] = stream;
    }

    private static int index(int ssrc, int mask) {
        int h = ssrc * 0x9E37_79B9;
        return (h ^ (h >>> 16)) & mask;
    }
}
