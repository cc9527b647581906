package com.quiltdata.edp.cli;

import java.io.PrintStream;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * What the CLI prints: plain lines, aligned tables, and progress, which is a redrawn bar on an
 * interactive terminal and an occasional plain line otherwise (logs, CI, pipes).
 */
public final class Terminal {
    private final PrintStream out;
    private final PrintStream err;
    private final boolean interactive;
    private boolean barShown;

    public Terminal(PrintStream out, PrintStream err, boolean interactive) {
        this.out = out;
        this.err = err;
        this.interactive = interactive;
    }

    public static Terminal system() {
        return new Terminal(System.out, System.err, System.console() != null);
    }

    /** Where picocli prints help and usage. */
    public java.io.PrintWriter outWriter() {
        return new java.io.PrintWriter(out, true);
    }

    public java.io.PrintWriter errWriter() {
        return new java.io.PrintWriter(err, true);
    }

    public boolean interactive() {
        return interactive;
    }

    public synchronized void line(String text) {
        clearBar();
        out.println(text);
        out.flush();
    }

    public synchronized void error(String text) {
        clearBar();
        err.println(text);
        err.flush();
    }

    /** Progress of long work: {@code done} of {@code total} (total &lt; 0 when unknown). */
    public synchronized void progress(String what, long done, long total, String detail) {
        if (interactive) {
            StringBuilder bar = new StringBuilder("\r");
            if (total > 0) {
                int width = 30;
                int filled = (int) Math.min(width, done * width / total);
                bar.append('[').append("#".repeat(filled)).append(".".repeat(width - filled)).append("] ");
                bar.append(done).append('/').append(total);
            } else {
                bar.append(what).append(' ').append(done);
            }
            bar.append(' ').append(detail).append("\033[K");
            out.print(bar);
            out.flush();
            barShown = true;
        } else {
            out.println(what + ": " + done + (total > 0 ? " of " + total : "") + (detail.isEmpty() ? "" : ", " + detail));
            out.flush();
        }
    }

    /** Ends a progress bar so the next line starts clean. */
    public synchronized void progressDone() {
        if (barShown) {
            out.println();
            barShown = false;
        }
    }

    private void clearBar() {
        if (barShown) {
            out.print("\r\033[K");
            barShown = false;
        }
    }

    /** Prints rows as columns padded to their widest cell; the first row is the header. */
    public synchronized void table(List<List<String>> rows) {
        if (rows.isEmpty()) {
            return;
        }
        List<Integer> widths = new ArrayList<>();
        for (List<String> row : rows) {
            for (int i = 0; i < row.size(); i++) {
                int w = row.get(i).codePointCount(0, row.get(i).length());
                if (i == widths.size()) {
                    widths.add(w);
                } else if (w > widths.get(i)) {
                    widths.set(i, w);
                }
            }
        }
        for (List<String> row : rows) {
            StringBuilder b = new StringBuilder();
            for (int i = 0; i < row.size(); i++) {
                String cell = row.get(i);
                b.append(cell);
                if (i < row.size() - 1) {
                    b.append(" ".repeat(widths.get(i) - cell.codePointCount(0, cell.length()) + 2));
                }
            }
            line(b.toString().stripTrailing());
        }
    }

    /** 1234567 → "1.2 MB". */
    public static String bytes(long n) {
        if (n < 1024) {
            return n + " B";
        }
        String[] units = {"KB", "MB", "GB", "TB"};
        double v = n;
        int u = -1;
        while (v >= 1024 && u < units.length - 1) {
            v /= 1024;
            u++;
        }
        return String.format(Locale.ROOT, "%.1f %s", v, units[u]);
    }
}
