package com.quiltdata.edp.emit.bench;

import com.quiltdata.edp.emit.Deadline;
import com.quiltdata.edp.emit.EmitWiring;
import com.quiltdata.edp.emit.ReadyBatchEmitter;
import com.quiltdata.edp.emit.domain.ReadinessRules;
import com.quiltdata.edp.emit.domain.ThresholdRules;
import com.quiltdata.edp.emit.port.ThresholdSource;
import com.quiltdata.edp.emit.postgres.JdbcBatchRepository;
import com.quiltdata.edp.emit.testing.EmitFixture;
import com.quiltdata.edp.emit.testing.OpenBatches;
import com.quiltdata.edp.observe.Log;
import com.sun.management.OperatingSystemMXBean;
import java.io.PrintStream;
import java.lang.management.ManagementFactory;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.concurrent.ExecutorService;

/**
 * Announcing a wave (ADR 0208): one tick over a wave of batches that became ready together (by
 * count), beside 2,000 open batches that are not due, through the real SDK client and PutEvents
 * over HTTP to the stand-in bus. The baseline is the same tick with one PutEvents call at a time,
 * measured in the same run and interleaved with the measured one, so load from other processes
 * falls on both alike. Per batch it reports wall time and this process's CPU (the tick, the SDK
 * client and the stand-in); the stand-in's own CPU per call is printed so it can be seen not to
 * dominate. Run by {@code bench/emit wave}.
 *
 * <p>Arguments: [wave=800] [runs=7]. Last line:
 * {@code emit_wave batches=<n> sequential_ms=<median> parallel_ms=<median> ratio=<parallel/sequential> calls_at_once=<k>}
 */
public final class EmitWaveBenchmark {
    static final ReadinessRules RULES = new ReadinessRules(20, Duration.ofSeconds(30), Duration.ZERO, List.of("_SUCCESS"));
    static final int NOT_DUE = 2_000;
    private static final OperatingSystemMXBean OS = (OperatingSystemMXBean) ManagementFactory.getOperatingSystemMXBean();

    public static void main(String[] args) throws Exception {
        PrintStream out = System.out;
        Log.redirect(System.err, true);
        int wave = args.length > 0 ? Integer.parseInt(args[0]) : 800;
        int runs = args.length > 1 ? Integer.parseInt(args[1]) : 7;
        ExecutorService pool = EmitWiring.publishPool();
        try (EmitFixture f = new EmitFixture()) {
            OpenBatches.insertMany(f.db, NOT_DUE, i -> OpenBatches.batch("bench", "open/p" + i + "/").files(5).openedAt(EmitFixture.T0));
            double[][] ms = new double[2][runs];
            double[][] cpu = new double[2][runs];
            for (int w = 0; w < 2; w++) { // JIT warm-up, one of each
                run(f, pool, wave, 1, "warm" + w + "s");
                run(f, pool, wave, EmitWiring.PUBLISH_CALLS_AT_ONCE, "warm" + w + "p");
            }
            long busCpu0 = f.bus.cpuNanos();
            int busCalls0 = f.bus.calls();
            for (int r = 0; r < runs; r++) {
                for (int mode = 0; mode < 2; mode++) {
                    double[] t = run(f, pool, wave, mode == 0 ? 1 : EmitWiring.PUBLISH_CALLS_AT_ONCE, "r" + r + "m" + mode);
                    ms[mode][r] = t[0];
                    cpu[mode][r] = t[1];
                }
            }
            double busMsPerCall = (f.bus.cpuNanos() - busCpu0) / 1e6 / Math.max(1, f.bus.calls() - busCalls0);
            double seq = median(ms[0]);
            double par = median(ms[1]);
            out.printf(Locale.ROOT, "emit_wave sequential: wall_ms=%s cpu_ms=%s per_batch wall %.2f ms cpu %.2f ms%n",
                    Arrays.toString(round(ms[0])), Arrays.toString(round(cpu[0])), seq / wave, median(cpu[0]) / wave);
            out.printf(Locale.ROOT, "emit_wave parallel:   wall_ms=%s cpu_ms=%s per_batch wall %.2f ms cpu %.2f ms%n",
                    Arrays.toString(round(ms[1])), Arrays.toString(round(cpu[1])), par / wave, median(cpu[1]) / wave);
            out.printf(Locale.ROOT, "emit_wave stand-in bus: %.2f ms CPU per PutEvents call; %d processors%n",
                    busMsPerCall, Runtime.getRuntime().availableProcessors());
            out.printf(Locale.ROOT, "emit_wave batches=%d sequential_ms=%.1f parallel_ms=%.1f ratio=%.2f calls_at_once=%d%n",
                    wave, seq, par, par / seq, EmitWiring.PUBLISH_CALLS_AT_ONCE);
            out.flush();
        } finally {
            pool.shutdownNow();
        }
        System.exit(0); // in-process emulators leave non-daemon threads behind
    }

    /** One tick over a fresh wave: {wall ms, process CPU ms}. */
    private static double[] run(EmitFixture f, ExecutorService pool, int wave, int callsAtOnce, String name) {
        OpenBatches.insertMany(f.db, wave, i -> OpenBatches.batch("bench", name + "/p" + i + "/").files(20).openedAt(f.clock.instant()));
        f.clock.advance(Duration.ofSeconds(1));
        ReadyBatchEmitter emitter = new ReadyBatchEmitter(new JdbcBatchRepository(f.database()), f.publisher(),
                ThresholdSource.fixed(ThresholdRules.defaultsOnly(RULES)), Optional.empty(), f.clock, Duration.ZERO,
                EmitWiring.ROUND_SIZE, pool, callsAtOnce);
        long cpu0 = OS.getProcessCpuTime();
        long t0 = System.nanoTime();
        int emitted = emitter.emitDue(Deadline.none()).emitted();
        double wall = (System.nanoTime() - t0) / 1e6;
        double cpu = (OS.getProcessCpuTime() - cpu0) / 1e6;
        if (emitted != wave) {
            throw new IllegalStateException("expected a wave of " + wave + ", emitted " + emitted);
        }
        return new double[] {wall, cpu};
    }

    private static double median(double[] values) {
        double[] sorted = values.clone();
        Arrays.sort(sorted);
        return sorted[sorted.length / 2];
    }

    private static double[] round(double[] values) {
        return Arrays.stream(values).map(Math::rint).toArray();
    }

    private EmitWaveBenchmark() {}
}
