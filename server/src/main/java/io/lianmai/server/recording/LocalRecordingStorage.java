package io.lianmai.server.recording;

import java.io.IOException;
import java.nio.file.FileVisitResult;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.SimpleFileVisitor;
import java.nio.file.attribute.BasicFileAttributes;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Set;

/**
 * Recording files in a local directory ({@code recording.dir}), kept where they were written: {@link #commit} has
 * nothing to do. Every name is checked to stay inside the directory (a second line behind {@link RecordingFileNames}).
 */
public final class LocalRecordingStorage implements RecordingStorage {
    private final Path root;

    public LocalRecordingStorage(Path root) {
        this.root = root.toAbsolutePath().normalize();
    }

    /** The directory. */
    public Path root() {
        return root;
    }

    @Override
    public Path create(String name) throws IOException {
        Path path = resolve(name);
        Files.createDirectories(path.getParent());
        return path;
    }

    @Override
    public void commit(String name) {
        resolve(name);
    }

    @Override
    public Optional<Path> localFile(String name) {
        Path path = resolve(name);
        return Files.isRegularFile(path) ? Optional.of(path) : Optional.empty();
    }

    @Override
    public List<String> list(String prefix) throws IOException {
        Path directory = resolve(prefix.endsWith("/") ? prefix.substring(0, prefix.length() - 1) : prefix);
        List<String> names = new ArrayList<>();
        // Files come and go while a recording runs (HLS rewrites its playlist through a .tmp file): one that vanishes
        // between the directory read and its attributes is simply not listed.
        Files.walkFileTree(directory, Set.of(), 4, new SimpleFileVisitor<>() {
            @Override
            public FileVisitResult visitFile(Path file,
                    BasicFileAttributes attributes) {
                if (attributes.isRegularFile()) {
                    names.add(root.relativize(file).toString().replace(java.io.File.separatorChar, '/'));
                }
                return FileVisitResult.CONTINUE;
            }

            @Override
            public FileVisitResult visitFileFailed(Path file, IOException e) throws IOException {
                if (e instanceof NoSuchFileException) {
                    return FileVisitResult.CONTINUE;
                }
                throw e;
            }
        });
        names.sort(null);
        return names;
    }

    @Override
    public long usableBytes() throws IOException {
        Files.createDirectories(root);
        return Files.getFileStore(root).getUsableSpace();
    }

    private Path resolve(String name) {
        if (!RecordingFileNames.isSafeRelative(name)) {
            throw new IllegalArgumentException("not a recording file name: " + name);
        }
        Path path = root.resolve(name).normalize();
        if (!path.startsWith(root) || path.equals(root)) {
            throw new IllegalArgumentException("recording file name leaves the recording directory: " + name);
        }
        return path;
    }
}
