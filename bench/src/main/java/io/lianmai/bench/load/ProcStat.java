package io.lianmai.bench.load;

import java.io.IOException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * A process's CPU time and memory as Linux reports them: user and system time from {@code /proc/{pid}/stat}
 * (fields 14 and 15, in clock ticks), resident and peak resident memory and the thread count from
 * {@code /proc/{pid}/status}.
 *
 * @param cpuSeconds user + system CPU time so far
 * @param rssKb resident memory now ({@code VmRSS})
 * @param hwmKb peak resident memory ({@code VmHWM})
 * @param threads threads now
 */
public record ProcStat(double cpuSeconds, long rssKb, long hwmKb, int threads) {
    /** USER_HZ: 100 on every Linux architecture Java runs on (sysconf(_SC_CLK_TCK)). */
    static final int CLOCK_TICKS_PER_SECOND = 100;

    /** Reads the figures of process {@code pid}. */
    public static ProcStat read(long pid) {
        try {
            String stat = Files.readString(Path.of("/proc", Long.toString(pid), "stat"));
            // The command name (field 2) is in parentheses and may contain spaces: split after the last ')'.
            String[] fields = stat.substring(stat.lastIndexOf(')') + 2).trim().split(" ");
            // fields[0] is field 3 (state), so field n is fields[n - 3].
            long ticks = Long.parseLong(fields[14 - 3]) + Long.parseLong(fields[15 - 3]);
            long rss = 0;
            long hwm = 0;
            int threads = 0;
            List<String> status = Files.readAllLines(Path.of("/proc", Long.toString(pid), "status"));
            for (String line : status) {
                if (line.startsWith("VmRSS:")) {
                    rss = kilobytes(line);
                } else if (line.startsWith("VmHWM:")) {
                    hwm = kilobytes(line);
                } else if (line.startsWith("Threads:")) {
                    threads = Integer.parseInt(line.substring(8).trim());
                }
            }
            return new ProcStat((double) ticks / CLOCK_TICKS_PER_SECOND, rss, hwm, threads);
        } catch (IOException | RuntimeException e) {
            throw new IllegalStateException("cannot read /proc/" + pid + " (is it a running process on this "
                    + "machine?): " + e, e);
        }
    }

    /**
     * CPU seconds (user + system) so far of each thread of {@code pid} whose name starts with {@code prefix}, by name
     * (threads of one name summed), from {@code /proc/{pid}/task/*}{@code /stat}; empty when unreadable.
     */
    public static Map<String, Double> threadCpuSeconds(long pid, String prefix) {
        Map<String, Double> seconds = new TreeMap<>();
        try (DirectoryStream<Path> tasks = Files.newDirectoryStream(Path.of("/proc", Long.toString(pid), "task"))) {
            for (Path task : tasks) {
                String stat;
                try {
                    stat = Files.readString(task.resolve("stat"));
                } catch (IOException e) {
                    continue; // the thread ended meanwhile
                }
                int open = stat.indexOf('(');
                int close = stat.lastIndexOf(')');
                if (open < 0 || close < open) {
                    continue;
                }
                String name = stat.substring(open + 1, close);
                if (!name.startsWith(prefix)) {
                    continue;
                }
                String[] fields = stat.substring(close + 2).trim().split(" ");
                double cpu = (Long.parseLong(fields[14 - 3]) + Long.parseLong(fields[15 - 3]))
                        / (double) CLOCK_TICKS_PER_SECOND;
                seconds.merge(name, cpu, Double::sum);
            }
        } catch (IOException | RuntimeException e) {
            return Map.of();
        }
        return seconds;
    }

    /** Whether /proc can be read for {@code pid}. */
    static boolean readable(long pid) {
        return Files.isReadable(Path.of("/proc", Long.toString(pid), "stat"));
    }

    private static long kilobytes(String line) {
        String value = line.substring(line.indexOf(':') + 1).trim();
        return Long.parseLong(value.split("\\s+")[0]);
    }
}
