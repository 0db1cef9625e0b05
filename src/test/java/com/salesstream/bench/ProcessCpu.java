package com.salesstream.bench;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Collectors;
import java.util.stream.Stream;

/**
 * CPU time of the service and of each local server over one benchmark phase, from {@code /proc/<pid>/stat}, for the
 * capacity model (docs/CAPACITY.md): what 1,000 orders cost each of them.
 */
final class ProcessCpu {

    /** Linux's USER_HZ: utime and stime are counted in 1/100 s. */
    private static final double TICKS_PER_SECOND = 100;

    private final Map<String, Long> pids = new LinkedHashMap<>();
    private final Map<String, Long> startTicks = new LinkedHashMap<>();

    ProcessCpu(long servicePid, Map<String, Long> serverPids) {
        pids.put("service", servicePid);
        pids.putAll(serverPids);
        pids.forEach((name, pid) -> startTicks.put(name, ticks(pid)));
    }

    /** CPU seconds per 1,000 orders since this meter was made, per process, as one line. */
    String perThousand(long orders) {
        StringBuilder line = new StringBuilder("CPU s per 1,000 orders  ");
        pids.forEach((name, pid) -> line.append(String.format(" %s %.3f", name,
                (ticks(pid) - startTicks.get(name)) / TICKS_PER_SECOND / orders * 1000)));
        return line.toString();
    }

    /**
     * The service's CPU seconds since launch by thread name (as the kernel keeps it: 15 characters), the {@code top}
     * largest, as one line: where the service's share goes (docs/BENCHMARKS.md, third round).
     */
    String serviceThreads(int top) {
        Map<String, Long> byName = new TreeMap<>();
        try (Stream<Path> tasks = Files.list(Path.of("/proc", Long.toString(pids.get("service")), "task"))) {
            tasks.forEach(task -> {
                try {
                    String stat = Files.readString(task.resolve("stat"));
                    String name = stat.substring(stat.indexOf('(') + 1, stat.lastIndexOf(')'));
                    byName.merge(name, ticks(stat), Long::sum);
                } catch (IOException gone) {
                    // the thread ended between the listing and the read
                }
            });
        } catch (IOException e) {
            throw new IllegalStateException("cannot list the service's threads", e);
        }
        return byName.entrySet().stream().sorted(Map.Entry.<String, Long> comparingByValue().reversed()).limit(top)
                .map(thread -> String.format("%s %.1f", thread.getKey(), thread.getValue() / TICKS_PER_SECOND))
                .collect(Collectors.joining(", ", "service CPU s by thread  ", ""));
    }

    /** A process's CPU seconds since it started. */
    static double seconds(long pid) {
        return ticks(pid) / TICKS_PER_SECOND;
    }

    private static long ticks(long pid) {
        try {
            return ticks(Files.readString(Path.of("/proc", Long.toString(pid), "stat")));
        } catch (IOException e) {
            throw new IllegalStateException("cannot read the CPU time of process " + pid, e);
        }
    }

    /** utime + stime of a process's or a thread's stat line. */
    private static long ticks(String stat) {
        // Fields after the command name, which is in parentheses and may hold spaces: utime and stime are 14 and 15.
        String[] fields = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
        return Long.parseLong(fields[11]) + Long.parseLong(fields[12]);
    }
}
