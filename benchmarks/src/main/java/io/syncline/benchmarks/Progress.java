package io.syncline.benchmarks;

import java.io.PrintStream;
import java.util.Locale;

/** Prints what the run is doing, with the time since it started, so a long run shows its pace. */
final class Progress {

    private final PrintStream out;
    private final long startNanos = System.nanoTime();

    Progress(PrintStream out) {
        this.out = out;
    }

    void step(String what) {
        out.printf(Locale.ROOT, "[%5.0fs] %s%n", seconds(), what);
        out.flush();
    }

    double seconds() {
        return (System.nanoTime() - startNanos) / 1e9;
    }
}
