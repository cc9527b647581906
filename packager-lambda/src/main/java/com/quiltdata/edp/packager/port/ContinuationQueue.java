package com.quiltdata.edp.packager.port;

/** The packager's own queue: a package that ran out of time is sent back to it with its continuation. */
public interface ContinuationQueue {
    void send(String body);
}
