package io.lianmai.server.recording;

import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;

/**
 * Where recording files go. Files are written locally as they are recorded (FFmpeg writes a path); a store that keeps
 * them elsewhere (S3-compatible object storage) uploads each one when {@link #commit} says it is complete. Names are
 * relative, made of {@code /}-separated segments of {@code [A-Za-z0-9._~-]} that the recorder builds
 * ({@link RecordingFileNames}): never a user's text as it came.
 *
 * <p>Thread-safe.
 */
public interface RecordingStorage {
    /** A local path for the new file {@code name}, its directories created. */
    Path create(String name) throws IOException;

    /** The file {@code name} is complete (its trailer written): an uploading store sends it now. */
    void commit(String name);

    /** The local copy of {@code name} while there is one (always, for the local store). */
    Optional<Path> localFile(String name);

    /** Files whose names start with {@code prefix} (a directory, ending in {@code /}), by name. */
    List<String> list(String prefix) throws IOException;

    /** Free bytes where files are written now, for the disk guard ({@code recording.minFreeMegabytes}). */
    long usableBytes() throws IOException;
}
