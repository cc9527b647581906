package com.quiltdata.edp.postgres;

import java.time.Duration;

/**
 * How long to wait for the server and how many connections one process keeps.
 *
 * @param connectTimeout a TCP connect and login attempt gives up after this
 * @param socketTimeout a statement whose answer takes longer fails and its connection is dropped,
 *     so a hung server cannot hold a whole invocation
 * @param poolSize connections kept: 1 where one invocation runs at a time (a Lambda), more where
 *     one process runs several workers
 */
public record ConnectionOptions(Duration connectTimeout, Duration socketTimeout, int poolSize) {
    public static final Duration DEFAULT_CONNECT_TIMEOUT = Duration.ofSeconds(10);
    public static final Duration DEFAULT_SOCKET_TIMEOUT = Duration.ofSeconds(30);

    /** One connection with the default timeouts: what a Lambda needs. */
    public static final ConnectionOptions ONE_CONNECTION = new ConnectionOptions(DEFAULT_CONNECT_TIMEOUT, DEFAULT_SOCKET_TIMEOUT, 1);

    public ConnectionOptions {
        if (connectTimeout.toMillis() < 1000 || socketTimeout.toMillis() < 1000) {
            throw new IllegalArgumentException("connect and socket timeouts are whole seconds, at least 1, got "
                    + connectTimeout + " and " + socketTimeout);
        }
        if (poolSize < 1) {
            throw new IllegalArgumentException("a pool needs at least one connection, got " + poolSize);
        }
    }

    public ConnectionOptions withPoolSize(int size) {
        return new ConnectionOptions(connectTimeout, socketTimeout, size);
    }
}
