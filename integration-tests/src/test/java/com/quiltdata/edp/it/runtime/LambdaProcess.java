package com.quiltdata.edp.it.runtime;

import com.amazonaws.services.lambda.runtime.Context;
import com.amazonaws.services.lambda.runtime.api.client.AWSLambda;
import com.amazonaws.services.lambda.runtime.serialization.PojoSerializer;
import com.quiltdata.edp.it.Repository;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.URISyntaxException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Enumeration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.jar.JarEntry;
import java.util.jar.JarFile;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import software.amazon.awssdk.utilslite.SdkInternalThreadLocal;

/**
 * One function started the way the managed Java runtime starts it: the function's jar unpacked
 * into a task root (as Lambda unpacks it into {@code /var/task}, the working directory), a JVM
 * whose own class path holds only the runtime interface client and its libraries, the handler
 * string as {@code _HANDLER}, and {@code AWS_LAMBDA_RUNTIME_API} pointing at a {@link RuntimeApi}.
 * The client then loads the handler through its own class loader from the task root, exactly as
 * in AWS, so whatever the runtime's serializers need from the function's jar must be there.
 */
public final class LambdaProcess implements AutoCloseable {
    /** The managed Java runtimes stop tiered compilation at C1 and use the serial collector. */
    private static final List<String> RUNTIME_JVM_OPTIONS = List.of("-XX:+TieredCompilation", "-XX:TieredStopAtLevel=1", "-XX:+UseSerialGC");

    private final Process process;
    private final Path log;
    private final long startedNanos;

    private LambdaProcess(Process process, Path log, long startedNanos) {
        this.process = process;
        this.log = log;
        this.startedNanos = startedNanos;
    }

    /**
     * @param jar      the function's shaded jar (its {@code CodeUri})
     * @param handler  the template's {@code Handler} string
     * @param memoryMb the function's {@code MemorySize}
     */
    public static LambdaProcess start(String functionName, Path jar, String handler, int memoryMb, RuntimeApi api,
            Map<String, String> environment) {
        if (!Files.isRegularFile(jar)) {
            throw new IllegalStateException(jar + " is missing: build the function jars first (mvn -B package, which mvn -B verify runs before this module)");
        }
        Path taskRoot = unpack(jar, Repository.scratch("lambda-task").resolve(functionName));
        Path log = Repository.scratch("lambda-task").resolve(functionName + ".log");
        List<String> command = new ArrayList<>();
        command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        command.addAll(RUNTIME_JVM_OPTIONS);
        command.add("-Xmx" + (memoryMb * 85 / 100) + "m");
        command.add("-cp");
        command.add(runtimeClientClassPath());
        command.add(AWSLambda.class.getName());
        command.add(handler);
        // the client loads the function from its working directory (and lib/ under it), as Lambda starts it in /var/task
        ProcessBuilder builder = new ProcessBuilder(command).directory(taskRoot.toFile())
                .redirectErrorStream(true).redirectOutput(log.toFile());
        Map<String, String> env = builder.environment();
        env.clear();
        env.put("PATH", System.getenv().getOrDefault("PATH", "/usr/bin:/bin"));
        env.putAll(environment);
        env.put("AWS_LAMBDA_RUNTIME_API", api.address());
        env.put("LAMBDA_TASK_ROOT", taskRoot.toString());
        env.put("_HANDLER", handler);
        env.put("AWS_LAMBDA_FUNCTION_NAME", functionName);
        env.put("AWS_LAMBDA_FUNCTION_VERSION", "$LATEST");
        env.put("AWS_LAMBDA_FUNCTION_MEMORY_SIZE", Integer.toString(memoryMb));
        env.put("AWS_LAMBDA_LOG_GROUP_NAME", "/aws/lambda/" + functionName);
        env.put("AWS_LAMBDA_LOG_STREAM_NAME", "local");
        env.put("AWS_EXECUTION_ENV", "AWS_Lambda_java21");
        env.putIfAbsent("AWS_REGION", "us-east-1");
        long started = System.nanoTime();
        try {
            return new LambdaProcess(builder.start(), log, started);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot start " + functionName, e);
        }
    }

    /** Nanoseconds since the JVM was started. */
    public Duration sinceStart() {
        return Duration.ofNanos(System.nanoTime() - startedNanos);
    }

    /** What the function printed (its logs), for failure messages. */
    public String output() {
        try {
            return Files.readString(log, StandardCharsets.UTF_8);
        } catch (IOException e) {
            return "(no output: " + e.getMessage() + ")";
        }
    }

    public boolean isAlive() {
        return process.isAlive();
    }

    @Override
    public void close() {
        process.destroy();
        try {
            if (!process.waitFor(5, TimeUnit.SECONDS)) {
                process.destroyForcibly().waitFor(5, TimeUnit.SECONDS);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            process.destroyForcibly();
        }
    }

    /** The runtime client, its serialization library, the core interfaces and utils-lite: the runtime's own jars. */
    private static String runtimeClientClassPath() {
        return Stream.of(AWSLambda.class, PojoSerializer.class, Context.class, SdkInternalThreadLocal.class)
                .map(LambdaProcess::jarOf)
                .distinct()
                .collect(Collectors.joining(java.io.File.pathSeparator));
    }

    private static String jarOf(Class<?> type) {
        try {
            return Path.of(type.getProtectionDomain().getCodeSource().getLocation().toURI()).toString();
        } catch (URISyntaxException e) {
            throw new IllegalStateException(e);
        }
    }

    private static Path unpack(Path jar, Path into) {
        try {
            if (Files.exists(into)) {
                try (Stream<Path> walk = Files.walk(into)) {
                    walk.sorted(java.util.Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
                }
            }
            Files.createDirectories(into);
            try (JarFile file = new JarFile(jar.toFile())) {
                Enumeration<JarEntry> entries = file.entries();
                while (entries.hasMoreElements()) {
                    JarEntry entry = entries.nextElement();
                    Path target = into.resolve(entry.getName()).normalize();
                    if (!target.startsWith(into)) {
                        throw new IllegalStateException("jar entry outside the task root: " + entry.getName());
                    }
                    if (entry.isDirectory()) {
                        Files.createDirectories(target);
                    } else {
                        Files.createDirectories(target.getParent());
                        try (InputStream in = file.getInputStream(entry)) {
                            Files.copy(in, target, StandardCopyOption.REPLACE_EXISTING);
                        }
                    }
                }
            }
            return into;
        } catch (IOException e) {
            throw new UncheckedIOException("cannot unpack " + jar, e);
        }
    }
}
