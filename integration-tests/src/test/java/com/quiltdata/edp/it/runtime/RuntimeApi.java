package com.quiltdata.edp.it.runtime;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * The Lambda Runtime API (version 2018-06-01) as a function's runtime client sees it: {@code next}
 * hands out one queued invocation at a time, {@code response} and {@code error} complete it, and
 * {@code init/error} fails whatever waits. It also takes the CloudFormation custom-resource answer
 * ({@code PUT /cfn-response/<id>}) that a pre-signed S3 URL would take in AWS.
 */
public final class RuntimeApi implements AutoCloseable {
    private static final String BASE = "/2018-06-01/runtime";

    /** What the function answered: {@code response} with its JSON, or {@code error} with the error document. */
    public record Answer(String kind, String body) {}

    private record Invocation(String requestId, String event, long deadlineMillis, CompletableFuture<Answer> answer) {}

    private final HttpServer server;
    private final ExecutorService threads = Executors.newCachedThreadPool(r -> {
        Thread t = new Thread(r, "runtime-api");
        t.setDaemon(true);
        return t;
    });
    private final BlockingQueue<Invocation> queued = new LinkedBlockingQueue<>();
    private final Map<String, Invocation> inFlight = new ConcurrentHashMap<>();
    private final List<String> initErrors = new CopyOnWriteArrayList<>();
    private final Map<String, CompletableFuture<String>> cfnResponses = new ConcurrentHashMap<>();
    private final String functionArn;

    public RuntimeApi(String functionArn) throws IOException {
        this.functionArn = functionArn;
        this.server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        server.setExecutor(threads);
        server.createContext(BASE + "/invocation/next", this::next);
        server.createContext(BASE + "/invocation/", this::complete);
        server.createContext(BASE + "/init/error", this::initError);
        server.createContext("/cfn-response/", this::cfnResponse);
        server.start();
    }

    /** The value of {@code AWS_LAMBDA_RUNTIME_API}. */
    public String address() {
        return "127.0.0.1:" + server.getAddress().getPort();
    }

    /** A pre-signed-URL stand-in for a custom resource's {@code ResponseURL}. */
    public String cfnResponseUrl(String id) {
        cfnResponses.putIfAbsent(id, new CompletableFuture<>());
        return "http://" + address() + "/cfn-response/" + id;
    }

    public String awaitCfnResponse(String id, Duration timeout) throws Exception {
        return cfnResponses.computeIfAbsent(id, k -> new CompletableFuture<>()).get(timeout.toMillis(), TimeUnit.MILLISECONDS);
    }

    /** Queues one event and waits for the function's answer (or its init error). */
    public Answer invoke(String event, Duration timeout) throws Exception {
        Invocation invocation = new Invocation(UUID.randomUUID().toString(), event,
                System.currentTimeMillis() + timeout.toMillis(), new CompletableFuture<>());
        queued.add(invocation);
        try {
            return invocation.answer().get(timeout.toMillis(), TimeUnit.MILLISECONDS);
        } catch (TimeoutException e) {
            throw new AssertionError("no answer within " + timeout + "; init errors: " + initErrors, e);
        }
    }

    public List<String> initErrors() {
        return List.copyOf(initErrors);
    }

    private void next(HttpExchange exchange) throws IOException {
        Invocation invocation;
        try {
            invocation = queued.take();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            exchange.close();
            return;
        }
        inFlight.put(invocation.requestId(), invocation);
        var headers = exchange.getResponseHeaders();
        headers.add("Lambda-Runtime-Aws-Request-Id", invocation.requestId());
        headers.add("Lambda-Runtime-Deadline-Ms", Long.toString(invocation.deadlineMillis()));
        headers.add("Lambda-Runtime-Invoked-Function-Arn", functionArn);
        headers.add("Lambda-Runtime-Trace-Id", "Root=1-00000000-000000000000000000000000;Sampled=0");
        headers.add("Content-Type", "application/json");
        send(exchange, 200, invocation.event());
    }

    /** {@code POST .../invocation/<id>/response} or {@code .../invocation/<id>/error}. */
    private void complete(HttpExchange exchange) throws IOException {
        String[] parts = exchange.getRequestURI().getPath().substring((BASE + "/invocation/").length()).split("/");
        String body = new String(exchange.getRequestBody().readAllBytes(), StandardCharsets.UTF_8);
        Invocation invocation = parts.length == 2 ? inFlight.remove(parts[0]) : null;
        if (invocation == null) {
            send(exchange, 400, "{\"errorMessage\":\"unknown invocation\"}");
            return;
        }
        invocation.answer().complete(new Answer(parts[1], body));
        send(exchange, 202, "{\"status\":\"OK\"}");
    }

    private void initError(HttpExchange exchange) throws IOException {
        String body = new String(exchange.getRequestBody().readAllBytes(), StandardCharsets.UTF_8);
        initErrors.add(body);
        for (Invocation waiting : queued) {
            waiting.answer().complete(new Answer("init-error", body));
        }
        send(exchange, 202, "{\"status\":\"OK\"}");
    }

    private void cfnResponse(HttpExchange exchange) throws IOException {
        String id = exchange.getRequestURI().getPath().substring("/cfn-response/".length());
        String body = new String(exchange.getRequestBody().readAllBytes(), StandardCharsets.UTF_8);
        cfnResponses.computeIfAbsent(id, k -> new CompletableFuture<>()).complete(body);
        send(exchange, 200, "");
    }

    private static void send(HttpExchange exchange, int status, String body) throws IOException {
        byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
        exchange.sendResponseHeaders(status, bytes.length == 0 ? -1 : bytes.length);
        try (OutputStream out = exchange.getResponseBody()) {
            out.write(bytes);
        }
    }

    @Override
    public void close() {
        server.stop(0);
        threads.shutdownNow();
    }
}
