package com.quiltdata.edp.cli;

import com.quiltdata.edp.cli.local.LocalListener;
import com.quiltdata.edp.emit.domain.PackageObjectsReady;
import com.quiltdata.edp.packager.PackageOutcome;
import com.quiltdata.edp.packager.port.PackageRevision;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.function.Supplier;

/** Prints one line per recorded scan, per batch fired and per package written; remembers the packages. */
public final class ConsoleListener implements LocalListener {
    private final Terminal terminal;
    private final Supplier<String> stamp;
    private final List<PackageRevision> written = Collections.synchronizedList(new ArrayList<>());
    private volatile int fired;
    private volatile int failures;

    public ConsoleListener(Terminal terminal, Supplier<String> stamp) {
        this.terminal = terminal;
        this.stamp = stamp;
    }

    @Override
    public void recorded(int created, int deleted, int stored) {
        StringBuilder what = new StringBuilder();
        if (created > 0) {
            what.append(created).append(created == 1 ? " file new or changed" : " files new or changed");
        }
        if (deleted > 0) {
            what.append(what.isEmpty() ? "" : ", ").append(deleted).append(deleted == 1 ? " file deleted" : " files deleted");
        }
        terminal.line(String.format("%s  seen      %s", stamp.get(), what));
    }

    @Override
    public void batchFired(PackageObjectsReady e) {
        fired++;
        terminal.line(String.format("%s  fired     %-34s by %-8s %s%s, %s", stamp.get(), e.prefix(), e.trigger().wireName(),
                plural(e.objectCount(), "object"), e.deletedCount() > 0 ? " (" + e.deletedCount() + " deleted)" : "", Terminal.bytes(e.totalBytes())));
    }

    @Override
    public void packageWritten(PackageRevision r) {
        written.add(r);
        terminal.line(String.format("%s  package   %-34s %s, %s  top hash %s", stamp.get(), r.name().toString(),
                plural(r.objectCount(), "file"), Terminal.bytes(r.totalBytes()), r.topHash().substring(0, 12)));
    }

    @Override
    public void packageUnchanged(PackageOutcome outcome) {
        terminal.line(String.format("%s  unchanged %-34s %s", stamp.get(), outcome.name().toString(), outcome.detail()));
    }

    @Override
    public void packagingFailed(PackageObjectsReady event, String reason, boolean retried) {
        failures++;
        terminal.line(String.format("%s  FAILED    %-34s %s%s", stamp.get(), event.prefix(), reason,
                retried ? " (will retry on the next tick)" : ""));
    }

    @Override
    public void fileSkipped(String path, String reason) {
        terminal.line(String.format("%s  SKIPPED   %-34s %s", stamp.get(), path, reason));
    }

    static String plural(long n, String noun) {
        return n + " " + noun + (n == 1 ? "" : "s");
    }

    public List<PackageRevision> written() {
        synchronized (written) {
            return List.copyOf(written);
        }
    }

    public int fired() {
        return fired;
    }

    public int failures() {
        return failures;
    }
}
