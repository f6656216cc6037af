package io.lianmai.server.recording;

import java.nio.file.Path;
import java.time.Duration;

/**
 * Cloud recording ({@code recording.*}).
 *
 * @param directory      where files are written (absolute): {@code recording.dir}, by default {@code
 *                       {data.dir}/recordings}
 * @param maxTasksPerApp recording tasks one app may run at once on this node
 * @param minFreeBytes   a task is refused, and running ones end, when the directory's disk has less free space
 * @param checkInterval  how often each task looks at its room (new streams, idle time, free space)
 */
public record RecordingConfig(Path directory, int maxTasksPerApp, long minFreeBytes, Duration checkInterval) {
    /** Tags of one stream that may wait for the disk: about 10 s of 30 fps video with its audio. */
    public static final int QUEUE_TAGS = 1024;

    /** The defaults under {@code dataDir}: 20 tasks per app, 1 GiB kept free, a check every second. */
    public static RecordingConfig defaults(Path dataDir) {
        return new RecordingConfig(dataDir.resolve("recordings"), 20, 1024L * 1024 * 1024, Duration.ofSeconds(1));
    }
}
